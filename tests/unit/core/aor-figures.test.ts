import { describe, expect, it } from 'vitest';
import { aorFigures, exportsAorSeries, refusingAor, REFUSAL_KEEPS_SERIES_MS, type AorFigures } from '../../../src-main/core/aor-figures';
import { recordedAor, recordedContactLists } from './recorded';

const [phone1Pair] = recordedContactLists('a_phone1_two_contacts_queries.txt');
const NOW = Date.parse('2026-11-26T06:01:00Z');

describe('the figures of one AOR', () => {
  it('counts phone1 at 2/2 with its superseded contact, by qualify status (recording a)', () => {
    const f = aorFigures(recordedAor('phone1'), phone1Pair!, [], NOW);
    expect(f).toMatchObject({ aor: 'phone1', contacts: 2, maxContacts: 2, atLimit: true, staleContacts: 1, byStatus: { NonQualified: 2, Reachable: 0, Unreachable: 0, Unknown: 0 } });
  });

  it('asks to be recomputed when its first contact expires, and never again once all have expired', () => {
    const f = aorFigures(recordedAor('phone1'), phone1Pair!, [], NOW);
    const first = Math.min(...phone1Pair!.map((c) => c.expirationTime * 1000));
    expect(f.recheckAt).toBe(first);
    const later = aorFigures(recordedAor('phone1'), phone1Pair!, [], Math.max(...phone1Pair!.map((c) => c.expirationTime * 1000)) + 1);
    expect(later.recheckAt).toBe(Infinity);
    // Both are stale once expired (no event says so: hence the recheck); they hold their slots
    // until Asterisk's expiry check removes them.
    expect(later).toMatchObject({ atLimit: true, staleContacts: 2 });
  });

  it('has no contacts and nothing to recheck for an empty AOR', () => {
    expect(aorFigures(recordedAor('phone1'), [], [], NOW)).toMatchObject({ contacts: 0, atLimit: false, staleContacts: 0, recheckAt: Infinity });
  });
});

describe('which AORs get series of their own by default', () => {
  const quiet: AorFigures = { aor: 'a', contacts: 1, maxContacts: 2, atLimit: false, staleContacts: 0, byStatus: { Reachable: 1, Unreachable: 0, NonQualified: 0, Unknown: 0 }, recheckAt: Infinity };

  it('leaves out an AOR below its limit with no stale contact and no refusal', () => {
    expect(exportsAorSeries(quiet, null, NOW)).toBe(false);
  });

  it('exports an AOR at its limit, or holding a stale contact', () => {
    expect(exportsAorSeries({ ...quiet, atLimit: true }, null, NOW)).toBe(true);
    expect(exportsAorSeries({ ...quiet, staleContacts: 1 }, null, NOW)).toBe(true);
  });

  it('exports an AOR refused within the last hour, and not after', () => {
    expect(exportsAorSeries(quiet, NOW - REFUSAL_KEEPS_SERIES_MS + 1, NOW)).toBe(true);
    expect(exportsAorSeries(quiet, NOW - REFUSAL_KEEPS_SERIES_MS, NOW)).toBe(false);
  });
});

describe('the AOR a refusal is charged to', () => {
  const figures = (atLimit: string[]) => (name: string): AorFigures | undefined => ({
    aor: name, contacts: 1, maxContacts: 1, atLimit: atLimit.includes(name), staleContacts: 0, byStatus: { Reachable: 0, Unreachable: 0, NonQualified: 1, Unknown: 0 }, recheckAt: Infinity,
  });

  it('is the AOR named like the endpoint (the To user), else its only AOR, else the one at its limit, else the first', () => {
    expect(refusingAor('phone1', ['shared', 'phone1'], figures(['shared']))).toBe('phone1');
    expect(refusingAor('phone1', ['desk'], figures([]))).toBe('desk');
    expect(refusingAor('phone1', ['desk', 'soft'], figures(['soft']))).toBe('soft');
    expect(refusingAor('phone1', ['desk', 'soft'], figures([]))).toBe('desk');
    expect(refusingAor('phone1', [], figures([]))).toBeNull();
  });
});
