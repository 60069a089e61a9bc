import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src-main/ami/backoff';

const options = { initialMs: 1_000, maxMs: 30_000, jitter: 0.5 };

describe('reconnect backoff', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelay(n, options, 0))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });
  it('draws each delay from [base * (1 - jitter), base]', () => {
    expect(backoffDelay(2, options, 0.999_999)).toBe(2_000);
    expect(backoffDelay(2, options, 0.5)).toBe(3_000);
    expect(backoffDelay(9, options, 0.25)).toBe(26_250);
  });
});
