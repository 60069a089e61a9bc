// Reconnect delays: exponential, capped, with jitter so that many RegDesk instances watching
// one Asterisk that restarts do not all log in again at the same instant.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0..1: the delay is drawn from [base * (1 - jitter), base]. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 30_000, jitter: 0.5 };

/** Delay before reconnect attempt `attempt` (0 = the first retry); `random` in [0, 1). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: number): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 - options.jitter * random));
}
