/**
 * An RFC 9162 verifier written from the RFC's text (§2.1.1 tree hash,
 * §2.1.3.2 inclusion, §2.1.4.2 consistency), sharing no code with the ledger's
 * tree: what a third party would run on a proof the ledger hands out.
 */
import { createHash } from 'node:crypto';

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
export const leaf = (data: Uint8Array) => sha256(Uint8Array.of(0), data);
const node = (l: Uint8Array, r: Uint8Array) => sha256(Uint8Array.of(1), l, r);

/** MTH(D[n]) by the definition: the reference the ledger's incremental tree must equal. */
export function treeHash(leaves: Uint8Array[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaf(leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return node(treeHash(leaves.slice(0, k)), treeHash(leaves.slice(k)));
}

const lsb = (n: bigint) => (n & 1n) === 1n;

export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  path: Uint8Array[],
  root: Uint8Array,
): boolean {
  if (leafIndex >= treeSize) return false;
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize - 1);
  let r: Uint8Array = leafHash;
  for (const p of path) {
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      r = node(p, r);
      if (!lsb(fn)) while (!lsb(fn) && fn !== 0n) ((fn >>= 1n), (sn >>= 1n));
    } else r = node(r, p);
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && Buffer.compare(Buffer.from(r), Buffer.from(root)) === 0;
}

export function verifyConsistency(
  first: number,
  second: number,
  firstHash: Uint8Array,
  secondHash: Uint8Array,
  proof: Uint8Array[],
): boolean {
  if (first === second) return proof.length === 0 && Buffer.from(firstHash).equals(Buffer.from(secondHash));
  if (first === 0) return proof.length === 0;
  if (first > second || proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstHash, ...proof] : proof;
  let fn = BigInt(first - 1);
  let sn = BigInt(second - 1);
  while (lsb(fn)) ((fn >>= 1n), (sn >>= 1n));
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      if (!lsb(fn)) while (!lsb(fn) && fn !== 0n) ((fn >>= 1n), (sn >>= 1n));
    } else sr = node(sr, c);
    fn >>= 1n;
    sn >>= 1n;
  }
  return Buffer.from(fr).equals(Buffer.from(firstHash)) && Buffer.from(sr).equals(Buffer.from(secondHash)) && sn === 0n;
}
