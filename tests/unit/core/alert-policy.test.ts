import { describe, expect, it } from 'vitest';
import { RefusalAlertPolicy, REFUSAL_QUIET_PERIOD_MS } from '../../../src-main/core/alert-policy';

describe('refusal alert policy', () => {
  it('gives one notification for a phone retrying every 30 s for an hour', () => {
    const policy = new RefusalAlertPolicy();
    const decisions = Array.from({ length: 120 }, (_, i) => policy.decide('sbx/phone1', i * 30_000));
    const notified = decisions.filter((d) => d.notify);
    // 0, 10 min, 20 min, ...: one per quiet period, each carrying the folded retries.
    expect(notified.length).toBe(Math.ceil((120 * 30_000) / REFUSAL_QUIET_PERIOD_MS));
    expect(decisions[0]).toEqual({ notify: true, count: 1 });
    expect(decisions[1]).toEqual({ notify: false, foldedSoFar: 1 });
    expect(notified[1]).toEqual({ notify: true, count: 20 });
  });

  it('rate-limits each endpoint on its own', () => {
    const policy = new RefusalAlertPolicy();
    expect(policy.decide('sbx/phone1', 0).notify).toBe(true);
    expect(policy.decide('sbx/phone2', 1_000).notify).toBe(true);
    expect(policy.decide('sbx/phone1', 2_000).notify).toBe(false);
    expect(policy.decide('asterisk-2/phone1', 3_000).notify).toBe(true);
  });

  it('treats a refusal after a reset as news', () => {
    const policy = new RefusalAlertPolicy();
    policy.decide('sbx/phone1', 0);
    expect(policy.decide('sbx/phone1', 5_000).notify).toBe(false);
    policy.reset('sbx/phone1');
    expect(policy.decide('sbx/phone1', 6_000)).toEqual({ notify: true, count: 1 });
  });
});
