import { describe, expect, it } from 'vitest';
import { row } from './rows';
import { sortRows } from '../../../../src-renderer/lib/table';

describe('endpoint table sort', () => {
  const rows = [
    row('phone10', { contacts: 2, maxContacts: 2, atLimit: true, newestUserAgent: 'Grandstream GXP1625', worstStatus: 'Reachable' }),
    row('phone2', { contacts: 1, maxContacts: 2, newestUserAgent: 'Zoiper 5', worstStatus: 'Unreachable' }),
    row('phone1', { aors: ['desk-1'], newestUserAgent: 'Yealink T46U' }),
  ];

  it('sorts names numerically, so phone2 comes before phone10', () => {
    expect(sortRows([...rows], { key: 'endpoint', descending: false }).map((r) => r.endpoint)).toEqual(['phone1', 'phone2', 'phone10']);
  });

  it('sorts the fullest AOR first when contacts are sorted descending', () => {
    expect(sortRows([...rows], { key: 'contacts', descending: true }).map((r) => r.endpoint)).toEqual(['phone10', 'phone2', 'phone1']);
  });

  it('puts Unreachable above Reachable and no contacts last when sorting by worst status descending', () => {
    expect(sortRows([...rows], { key: 'status', descending: true }).map((r) => r.endpoint)).toEqual(['phone2', 'phone10', 'phone1']);
  });
});
