// Which refused REGISTERs become a notification. A phone that keeps retrying (every 30 s
// or faster, as most do after a 403) must give one notification and a counter, not one per
// retry; a new refusal after a quiet period is news again.

/** Refusals of one endpoint closer together than this fold into the previous notification. */
export const REFUSAL_QUIET_PERIOD_MS = 10 * 60 * 1000;

interface EndpointAlertState {
  /** When the last notification for this endpoint was shown. */
  lastNotifiedAt: number;
  /** Refusals since then that were folded (not notified). */
  folded: number;
}

export type AlertDecision =
  /** Notify; `count` is this refusal plus those folded since the previous notification. */
  | { notify: true; count: number }
  | { notify: false; foldedSoFar: number };

/** Per-endpoint rate limit for refusal notifications. Time comes in as data (epoch ms). */
export class RefusalAlertPolicy {
  private readonly byEndpoint = new Map<string, EndpointAlertState>();

  constructor(private readonly quietPeriodMs: number = REFUSAL_QUIET_PERIOD_MS) {}

  /** Decide for one refusal of `endpointKey` (e.g. `<pbxId>/<endpoint>`) at `now`. */
  decide(endpointKey: string, now: number): AlertDecision {
    const s = this.byEndpoint.get(endpointKey);
    // Notify again only once the endpoint has been quiet for a whole period since the last
    // notification, so a steady retry loop never re-notifies.
    if (!s || now - s.lastNotifiedAt >= this.quietPeriodMs) {
      const count = (s?.folded ?? 0) + 1;
      this.byEndpoint.set(endpointKey, { lastNotifiedAt: now, folded: 0 });
      return { notify: true, count };
    }
    s.folded += 1;
    return { notify: false, foldedSoFar: s.folded };
  }

  /** The endpoint was fixed (a contact removed, or the phone got in): the next refusal is news. */
  reset(endpointKey: string): void {
    this.byEndpoint.delete(endpointKey);
  }
}
