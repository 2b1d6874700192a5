// Puts items generated out of time order back into time order with bounded memory. The simulator
// generates one session at a time, so a session's later payments are made before another session's
// earlier ones; an item is held until nothing generated later can come before it (the watermark),
// then released in (time, tie-break) order. Memory holds only what lies ahead of the watermark.

/** Items are bucketed by minute so a release sorts one minute at a time, not the whole buffer. */
const BUCKET_MS = 60_000;

export class Holdback<T> {
  private readonly buckets = new Map<number, { t: number; seq: number; item: T }[]>();
  private seq = 0;
  /** Everything before this time has been released. */
  private released = -Infinity;

  constructor(private readonly tieBreak: (a: T, b: T) => number) {}

  push(t: number, item: T): void {
    // A generator that breaks its own bound would reorder history silently; fail instead.
    if (t < this.released) throw new Error(`holdback: an item at ${t} came after the watermark ${this.released}`);
    const k = Math.floor(t / BUCKET_MS);
    let b = this.buckets.get(k);
    if (!b) this.buckets.set(k, (b = []));
    b.push({ t, seq: this.seq++, item });
  }

  /** Releases, in order, every item before `watermark` whose whole minute is before it; the rest waits. */
  *release(watermark: number): Generator<T> {
    const upTo = Math.floor(watermark / BUCKET_MS);
    const ready = [...this.buckets.keys()].filter((k) => k < upTo).sort((a, b) => a - b);
    for (const k of ready) {
      const b = this.buckets.get(k)!;
      this.buckets.delete(k);
      b.sort((x, y) => x.t - y.t || this.tieBreak(x.item, y.item) || x.seq - y.seq);
      for (const x of b) yield x.item;
    }
    this.released = Math.max(this.released, upTo * BUCKET_MS);
  }

  /** Releases everything left, in order. */
  drain(): Generator<T> {
    return this.release(Infinity);
  }
}
