import { describe, expect, it } from 'vitest';
import { endpointDetail, endpointRow, sameRow } from '../../../src-main/core/endpoint-view';
import { RegistrarState } from '../../../src-main/core/registrar-state';
import type { EndpointHistoryEntry } from '../../../src-main/core/types';
import { labSnapshot, recordedContactLists } from './recorded';

const NOW = Date.parse('2026-11-26T06:01:00Z');
const [phone1Pair] = recordedContactLists('a_phone1_two_contacts_queries.txt');
const [phone3Qualified] = recordedContactLists('e_phone3_qualify.txt');

function labState() {
  return RegistrarState.fromSnapshot(labSnapshot([...phone1Pair!, ...phone3Qualified!]));
}

describe('endpoint rows', () => {
  it('shows phone1 at 2/2, at its limit, with its user agent and refusal count (recording a)', () => {
    expect(endpointRow(labState(), 'phone1', 3, NOW)).toEqual({
      endpoint: 'phone1',
      aors: ['phone1'],
      contacts: 2,
      maxContacts: 2,
      removeExisting: false,
      removeUnavailable: false,
      worstStatus: 'NonQualified',
      newestUserAgent: 'Grandstream GXP2170 1.0.11.3',
      atLimit: true,
      staleContacts: 1,
      refusals: 3,
    });
  });

  it('shows phone3 with its worst qualify status and the unreachable contact as stale (recording e)', () => {
    const row = endpointRow(labState(), 'phone3', 0, NOW);
    expect(row).toMatchObject({ contacts: 2, maxContacts: 4, worstStatus: 'Unreachable', atLimit: false, staleContacts: 1 });
  });

  it('tells a row that shows the same thing from one that changed, aors included', () => {
    const row = endpointRow(labState(), 'phone1', 3, NOW);
    expect(sameRow(row, endpointRow(labState(), 'phone1', 3, NOW))).toBe(true);
    expect(sameRow(row, { ...row, refusals: 4 })).toBe(false);
    expect(sameRow(row, { ...row, aors: ['phone1', 'phone1-desk'] })).toBe(false);
    expect(sameRow(row, { ...row, aors: ['phone2'] })).toBe(false);
    expect(sameRow(row, { ...row, newestUserAgent: null })).toBe(false);
  });

  it('shows an endpoint without contacts with no status and no user agent', () => {
    expect(endpointRow(labState(), 'wiz1', 0, NOW)).toMatchObject({ contacts: 0, maxContacts: 2, removeExisting: true, worstStatus: null, newestUserAgent: null, atLimit: false });
  });

  it('names the user agent of the most recent registration', () => {
    const state = labState();
    const [first] = phone1Pair!;
    state.upsertContact({ ...first!, userAgent: 'Yealink T46U', expirationTime: first!.expirationTime + 100 });
    expect(endpointRow(state, 'phone1', 0, NOW).newestUserAgent).toBe('Yealink T46U');
  });

  it('refuses an endpoint the state does not know', () => {
    expect(() => endpointRow(labState(), 'nosuch', 0, NOW)).toThrow(/unknown endpoint: "nosuch"/);
  });
});

describe('endpoint detail', () => {
  it('puts together contacts, diagnosis with advice, what-if, dial string and history for phone1', () => {
    const history: EndpointHistoryEntry[] = [{ at: NOW, kind: 'refused', source: { family: 'IPV4', transport: 'UDP', addr: '127.0.0.1', port: 5073 } }];
    const detail = endpointDetail(labState(), 'phone1', history, 1, NOW);
    expect(detail.row.refusals).toBe(1);
    expect(detail.aors).toHaveLength(1);
    const [only] = detail.aors;
    expect(only!.contacts.map((c) => c.id).sort()).toEqual(phone1Pair!.map((c) => c.id).sort());
    expect(only!.whatIf).toEqual({ kind: 'refused', maxContacts: 2 });
    expect(only!.diagnosis.advice?.pjsipConf).toBe('[phone1]\ntype=aor\nmax_contacts=2\nremove_existing=yes');
    expect(detail.dialString.split('&').sort()).toEqual(phone1Pair!.map((c) => `PJSIP/phone1/${c.uri}`).sort());
    expect(detail.history).toBe(history);
  });

  it('shows the ghost of a removed phone3 contact in its AOR diagnosis', () => {
    const state = labState();
    const gone = phone3Qualified!.find((c) => c.status === 'Unreachable')!;
    state.markRemovedByAdmin(gone.id, NOW);
    state.apply({ kind: 'contactStatus', status: 'Unreachable', uri: gone.uri, aor: 'phone3', endpoint: 'phone3', roundtripUsec: null, at: NOW });
    const detail = endpointDetail(state, 'phone3', [], 0, NOW);
    expect(detail.aors[0]!.contacts).toHaveLength(1);
    expect(detail.aors[0]!.diagnosis.stale).toEqual([{ contactId: gone.id, reason: 'ghost' }]);
    expect(detail.row.staleContacts).toBe(1);
    expect(detail.dialString).not.toContain(gone.uri);
  });
});
