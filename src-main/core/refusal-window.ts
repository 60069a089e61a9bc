// Recent refusals (403 for max_contacts), per endpoint, over a sliding window. Phones retry every
// 30 to 60 s after a 403, so a two-minute window sees every refused phone at least once and
// forgets one that got in. Time comes in as data (epoch ms).
import type { SourceAddress } from './types';

export const REFUSAL_WINDOW_MS = 2 * 60 * 1000;

/** An endpoint's refusals in the window, and the sources (address:port) they came from. */
export interface RecentRefusals {
  count: number;
  sources: SourceAddress[];
}

export class RefusalWindow {
  /** Refusals in arrival order (events arrive in time order; a late one is still counted). */
  private readonly queue: Array<{ endpoint: string; at: number; source: SourceAddress | null }> = [];
  private head = 0;

  constructor(readonly windowMs: number = REFUSAL_WINDOW_MS) {}

  add(endpoint: string, at: number, source: SourceAddress | null = null): void {
    this.queue.push({ endpoint, at, source });
  }

  /** Per endpoint: its refusals in the window and their distinct sources. */
  recent(now: number): Map<string, RecentRefusals> {
    this.prune(now);
    const out = new Map<string, RecentRefusals>();
    for (let i = this.head; i < this.queue.length; i++) {
      const { endpoint, source } = this.queue[i]!;
      const r = out.get(endpoint) ?? { count: 0, sources: [] };
      r.count++;
      if (source && !r.sources.some((s) => s.addr === source.addr && s.port === source.port)) r.sources.push(source);
      out.set(endpoint, r);
    }
    return out;
  }

  /** Refusals per minute over the window ending at `now`. */
  perMinute(now: number): number {
    this.prune(now);
    return ((this.queue.length - this.head) * 60_000) / this.windowMs;
  }

  private prune(now: number): void {
    while (this.head < this.queue.length && this.queue[this.head]!.at <= now - this.windowMs) this.head++;
    // Drop the consumed prefix now and then, so the array does not grow for ever.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
