/**
 * A Merkle tree over the log in position order, hashed as in RFC 9162 §2.1:
 * leaf = SHA-256(0x00 || d), node = SHA-256(0x01 || left || right), the tree
 * of n leaves split at the largest power of two below n. Every perfect,
 * aligned subtree is kept as it is completed, so a root, an inclusion proof or
 * a consistency proof for any tree size costs O(log n) hashes.
 */
import { createHash, hash } from 'node:crypto';

const HASH_BYTES = 32;

// crypto.hash: one call per hash, several times cheaper than a Hash object for inputs this small.
export function leafHash(data: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + data.length);
  input[0] = 0;
  input.set(data, 1);
  return hash('sha256', input, 'buffer');
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + left.length + right.length);
  input[0] = 1;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return hash('sha256', input, 'buffer');
}

const EMPTY_ROOT = createHash('sha256').digest();

/** Hashes of one level, 32 bytes each, in one growing buffer. */
class HashRow {
  private bytes = new Uint8Array(HASH_BYTES * 1024);
  length = 0;

  push(hash: Uint8Array): void {
    if ((this.length + 1) * HASH_BYTES > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(hash, this.length * HASH_BYTES);
    this.length++;
  }

  at(index: number): Uint8Array {
    return this.bytes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }
}

export class MerkleLog {
  /** levels[h][i]: the root of the perfect subtree of leaves [i·2^h, (i+1)·2^h). */
  private readonly levels: HashRow[] = [new HashRow()];

  get size(): number {
    return this.levels[0]!.length;
  }

  append(leafData: Uint8Array): void {
    let hash: Uint8Array = leafHash(leafData);
    for (let h = 0; ; h++) {
      const row = (this.levels[h] ??= new HashRow());
      row.push(hash);
      const index = row.length - 1;
      if (index % 2 === 0) return;
      hash = nodeHash(row.at(index - 1), hash);
    }
  }

  /** MTH of the first `treeSize` leaves. */
  root(treeSize = this.size): Buffer {
    this.checkSize(treeSize);
    return treeSize === 0 ? EMPTY_ROOT : Buffer.from(this.subtree(0, treeSize));
  }

  /** PATH(index, D[0:treeSize]): the audit path of one leaf, bottom up. */
  inclusionProof(index: number, treeSize = this.size): Buffer[] {
    this.checkSize(treeSize);
    if (!Number.isInteger(index) || index < 0 || index >= treeSize)
      throw new RangeError(`leaf ${index} is not in a tree of ${treeSize}`);
    const path: Buffer[] = [];
    this.path(index, 0, treeSize, path);
    return path;
  }

  /** PROOF(from, D[0:to]): that the tree of `to` leaves extends the tree of `from`. */
  consistencyProof(from: number, to = this.size): Buffer[] {
    this.checkSize(to);
    if (!Number.isInteger(from) || from < 0 || from > to)
      throw new RangeError(`tree size ${from} must be between 0 and ${to}`);
    const proof: Buffer[] = [];
    if (from > 0 && from < to) this.subproof(from, 0, to, true, proof);
    return proof;
  }

  private checkSize(treeSize: number): void {
    if (!Number.isInteger(treeSize) || treeSize < 0 || treeSize > this.size)
      throw new RangeError(`tree size ${treeSize} must be between 0 and ${this.size}`);
  }

  /** MTH(D[start:end]); every subtree the RFC's recursion asks for is aligned, so perfect ones are stored. */
  private subtree(start: number, end: number): Uint8Array {
    const n = end - start;
    if ((n & (n - 1)) === 0) return this.levels[Math.log2(n)]!.at(start / n);
    const k = largestPowerOfTwoBelow(n);
    return nodeHash(this.subtree(start, start + k), this.subtree(start + k, end));
  }

  private path(index: number, start: number, end: number, out: Buffer[]): void {
    const n = end - start;
    if (n === 1) return;
    const k = largestPowerOfTwoBelow(n);
    if (index < k) {
      this.path(index, start, start + k, out);
      out.push(Buffer.from(this.subtree(start + k, end)));
    } else {
      this.path(index - k, start + k, end, out);
      out.push(Buffer.from(this.subtree(start, start + k)));
    }
  }

  private subproof(m: number, start: number, end: number, complete: boolean, out: Buffer[]): void {
    const n = end - start;
    if (m === n) {
      if (!complete) out.push(Buffer.from(this.subtree(start, end)));
      return;
    }
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      this.subproof(m, start, start + k, complete, out);
      out.push(Buffer.from(this.subtree(start + k, end)));
    } else {
      this.subproof(m - k, start + k, end, false, out);
      out.push(Buffer.from(this.subtree(start, start + k)));
    }
  }
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
