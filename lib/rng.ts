// Seeded PRNG (splitmix32 + mulberry-style mixing): the simulator's only source of randomness.
const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export class Rng {
  private state: number;
  constructor(private readonly seed: string) {
    this.state = hashSeed(seed);
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  }
  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
  normal(mean: number, sd: number): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -mean * Math.log(Math.max(1 - this.next(), 1e-12));
  }
  hex(chars: number): string {
    // Eight digits per draw, as `toString(16).padStart(8, '0')` would write them, from a byte table:
    // the simulator draws one or two ids per event, and number formatting dominated its profile.
    let s = '';
    while (s.length < chars) {
      const z = Math.floor(this.next() * 0x100000000);
      s += HEX_BYTE[z >>> 24]! + HEX_BYTE[(z >>> 16) & 255]! + HEX_BYTE[(z >>> 8) & 255]! + HEX_BYTE[z & 255]!;
    }
    return s.length === chars ? s : s.slice(0, chars);
  }
  uuid(): string {
    const h = this.hex(32);
    const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  /** A child generator whose sequence depends only on this seed and the label, not on draws so far. */
  fork(label: string | number): Rng {
    return new Rng(`${this.seed}/${label}`);
  }
}

export function hashSeed(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
