// Counts by key (refusals per endpoint) as a scrape sees them. Prometheus computes increase()
// and rate() from the difference of two samples, and a series whose first sample is already 1
// shows no increase at all. Exporting every endpoint at 0 from the start would be one series
// per endpoint of the fleet; instead a key shows up at 0 on the first scrape after its first
// count, and with its count from the next one.
export class ScrapedCounter {
  private readonly counts = new Map<string, number>();
  /** Keys a scrape has already seen (at 0). */
  private readonly announced = new Set<string>();

  add(key: string, by = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  /** The true count, for anything but a scrape. */
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** What this scrape exports: 0 for a key it is the first to see, its count otherwise. */
  scrape(): Array<[key: string, value: number]> {
    const out: Array<[string, number]> = [];
    for (const [key, n] of this.counts) {
      if (this.announced.has(key)) out.push([key, n]);
      else {
        this.announced.add(key);
        out.push([key, 0]);
      }
    }
    return out;
  }
}
