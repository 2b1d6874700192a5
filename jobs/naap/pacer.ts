// Client-side token bucket: keeps a connector under an API's rate limit instead of relying on 429s.
// Callers are served in order, so concurrent jobs sharing one pacer never overrun it together.

export class Pacer {
  private tokens: number;
  private at: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error(`pacer needs a positive rate and a burst of at least 1, got ${perSecond}/s burst ${burst}`);
    this.tokens = burst;
    this.at = performance.now();
  }

  /** Resolves when one request may be sent. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken());
    this.queue = turn;
    return turn;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
      this.at = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / this.perSecond) * 1000)));
    }
  }
}
