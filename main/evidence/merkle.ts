import { createHash } from "node:crypto";

/** RFC 9162 Merkle tree hashing: leaves are record payload bytes in seq order. */
export function leafHash(data: Buffer): Buffer {
  return createHash("sha256").update(Buffer.of(0)).update(data).digest();
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash("sha256").update(Buffer.of(1)).update(left).update(right).digest();
}

export const EMPTY_ROOT = createHash("sha256").digest();

/** MTH over leaf hashes (RFC 9162 section 2.1.1), iteratively: split at the largest power of two < n. */
export function rootFromLeafHashes(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  return foldRange(compactRange(leaves));
}

/**
 * The perfect subtrees covering [0, n), largest first (binary decomposition of n). Appending leaves
 * to it and folding right to left gives the root of the bigger tree: this is how a bundle that holds
 * only the records since IT's last receipt still proves the root over the whole log.
 */
export function compactRange(leaves: readonly Buffer[]): Buffer[] {
  const range: { size: number; hash: Buffer }[] = [];
  for (const leaf of leaves) pushLeaf(range, leaf);
  return range.map((r) => r.hash);
}

export function extendCompactRange(peaks: readonly Buffer[], treeSize: number, leaves: readonly Buffer[]): Buffer[] {
  const sizes = peakSizes(treeSize);
  if (sizes.length !== peaks.length) throw new Error(`a tree of ${treeSize} leaves has ${sizes.length} peaks, got ${peaks.length}`);
  const range = peaks.map((hash, i) => ({ size: sizes[i]!, hash }));
  for (const leaf of leaves) pushLeaf(range, leaf);
  return range.map((r) => r.hash);
}

export function foldRange(peaks: readonly Buffer[]): Buffer {
  if (peaks.length === 0) return EMPTY_ROOT;
  let acc = peaks[peaks.length - 1]!;
  for (let i = peaks.length - 2; i >= 0; i--) acc = nodeHash(peaks[i]!, acc);
  return acc;
}

/** Sizes of the perfect subtrees of a tree with n leaves, largest first. */
export function peakSizes(n: number): number[] {
  const sizes: number[] = [];
  for (let bit = 2 ** Math.floor(Math.log2(Math.max(n, 1))); bit >= 1; bit /= 2) if (n & bit) sizes.push(bit);
  return n === 0 ? [] : sizes;
}

function pushLeaf(range: { size: number; hash: Buffer }[], leaf: Buffer): void {
  let entry = { size: 1, hash: leaf };
  while (range.length > 0 && range[range.length - 1]!.size === entry.size) {
    const left = range.pop()!;
    entry = { size: left.size * 2, hash: nodeHash(left.hash, entry.hash) };
  }
  range.push(entry);
}
