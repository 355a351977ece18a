import { describe, expect, it } from '@jest/globals';
import { MerkleLog } from '../../src/integrity/merkle.js';
import { leaf, treeHash, verifyConsistency, verifyInclusion } from '../support/rfc9162.js';

describe('integrity/merkle', () => {
  const leaves = Array.from({ length: 70 }, (_, i) => Buffer.from(`leaf ${i}`));
  const tree = new MerkleLog();
  for (const l of leaves) tree.append(l);

  describe('the Merkle tree of the log (RFC 9162)', () => {
    it('has the root the RFC defines for every tree size', () => {
      for (let n = 0; n <= leaves.length; n++)
        expect(tree.root(n).toString('hex')).toBe(treeHash(leaves.slice(0, n)).toString('hex'));
    });

    it('gives inclusion proofs that an independent verifier accepts, for every leaf of every tree size', () => {
      for (let n = 1; n <= leaves.length; n++) {
        const root = tree.root(n);
        for (let m = 0; m < n; m++)
          expect({ n, m, ok: verifyInclusion(m, n, leaf(leaves[m]!), tree.inclusionProof(m, n), root) }).toEqual({
            n,
            m,
            ok: true,
          });
      }
    });

    it('gives consistency proofs that an independent verifier accepts, for every pair of sizes', () => {
      for (let second = 0; second <= leaves.length; second++) {
        for (let first = 0; first <= second; first++) {
          const ok = verifyConsistency(
            first,
            second,
            tree.root(first),
            tree.root(second),
            tree.consistencyProof(first, second),
          );
          expect({ first, second, ok }).toEqual({ first, second, ok: true });
        }
      }
    });

    it('proofs fail for a tampered leaf, a wrong index and a rewritten history', () => {
      const n = 45;
      const proof = tree.inclusionProof(20, n);
      expect(verifyInclusion(20, n, leaf(Buffer.from('leaf 20, altered')), proof, tree.root(n))).toBe(false);
      expect(verifyInclusion(21, n, leaf(leaves[20]!), proof, tree.root(n))).toBe(false);
      const rewritten = new MerkleLog();
      leaves.forEach((l, i) => rewritten.append(i === 3 ? Buffer.from('other') : l));
      expect(verifyConsistency(10, n, tree.root(10), rewritten.root(n), rewritten.consistencyProof(10, n))).toBe(false);
    });

    it('refuses sizes and indexes outside the tree', () => {
      expect(() => tree.root(71)).toThrow(RangeError);
      expect(() => tree.inclusionProof(5, 5)).toThrow(RangeError);
      expect(() => tree.consistencyProof(6, 5)).toThrow(RangeError);
    });
  });
});
