import { createHmac } from "node:crypto";

/**
 * Deterministic choices from a seed. Every choice is keyed by a label (HMAC-SHA256 of the label
 * under the seed), so adding a new choice somewhere does not shift all the others: the same seed
 * keeps giving the same plant as the generator grows.
 */
export interface Seeded {
  readonly seed: string;
  /** An integer in [0, bound). */
  int(label: string, bound: number): number;
  pick<T>(label: string, items: readonly T[]): T;
  shuffle<T>(label: string, items: readonly T[]): T[];
  /** `length` characters drawn from `alphabet`. */
  chars(label: string, length: number, alphabet: string): string;
}

export function seeded(seed: string | number): Seeded {
  const key = String(seed);
  const stream = (label: string): (() => number) => {
    let counter = 0;
    let block = Buffer.alloc(0);
    let offset = 0;
    return () => {
      if (offset + 4 > block.length) {
        block = createHmac("sha256", key).update(`${label}#${counter++}`).digest();
        offset = 0;
      }
      const value = block.readUInt32BE(offset);
      offset += 4;
      return value;
    };
  };
  // Rejection sampling keeps the draw unbiased for bounds that do not divide 2^32.
  const below = (next: () => number, bound: number): number => {
    if (!Number.isInteger(bound) || bound <= 0) throw new RangeError(`bound must be a positive integer, got ${bound}`);
    const limit = Math.floor(0x1_0000_0000 / bound) * bound;
    for (;;) {
      const value = next();
      if (value < limit) return value % bound;
    }
  };
  return {
    seed: key,
    int: (label, bound) => below(stream(label), bound),
    pick: (label, items) => {
      if (items.length === 0) throw new RangeError(`nothing to pick for ${label}`);
      return items[below(stream(label), items.length)] as (typeof items)[number];
    },
    shuffle: (label, items) => {
      const next = stream(label);
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = below(next, i + 1);
        [out[i], out[j]] = [out[j] as (typeof out)[number], out[i] as (typeof out)[number]];
      }
      return out;
    },
    chars: (label, length, alphabet) => {
      const next = stream(label);
      let out = "";
      for (let i = 0; i < length; i++) out += alphabet[below(next, alphabet.length)];
      return out;
    },
  };
}
