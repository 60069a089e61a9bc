// Recent refusals (403 for max_contacts), per endpoint, over a sliding window. Phones retry every
// 30 to 60 s after a 403, so a two-minute window sees every refused phone at least once and
// forgets one that got in. Time comes in as data (epoch ms).

export const REFUSAL_WINDOW_MS = 2 * 60 * 1000;

export class RefusalWindow {
  /** Refusals in arrival order (events arrive in time order; a late one is still counted). */
  private readonly queue: Array<{ endpoint: string; at: number }> = [];
  private head = 0;
  private readonly byEndpoint = new Map<string, number>();

  constructor(readonly windowMs: number = REFUSAL_WINDOW_MS) {}

  add(endpoint: string, at: number): void {
    this.queue.push({ endpoint, at });
    this.byEndpoint.set(endpoint, (this.byEndpoint.get(endpoint) ?? 0) + 1);
  }

  /** Refusals per endpoint within the window ending at `now`. */
  counts(now: number): ReadonlyMap<string, number> {
    this.prune(now);
    return this.byEndpoint;
  }

  /** Refusals per minute over the window ending at `now`. */
  perMinute(now: number): number {
    this.prune(now);
    return ((this.queue.length - this.head) * 60_000) / this.windowMs;
  }

  private prune(now: number): void {
    while (this.head < this.queue.length && this.queue[this.head]!.at <= now - this.windowMs) {
      const { endpoint } = this.queue[this.head++]!;
      const n = (this.byEndpoint.get(endpoint) ?? 1) - 1;
      if (n > 0) this.byEndpoint.set(endpoint, n);
      else this.byEndpoint.delete(endpoint);
    }
    // Drop the consumed prefix now and then, so the array does not grow for ever.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
