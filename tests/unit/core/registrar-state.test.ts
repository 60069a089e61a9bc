import { describe, expect, it } from 'vitest';
import { contactId } from '../../../src-main/core/contact-id';
import { RegistrarState, type StateChange } from '../../../src-main/core/registrar-state';
import type { RegistrarEvent } from '../../../src-main/core/types';
import { labSnapshot, recordedContactLists, recordedTimeline, type TimelineStep } from './recorded';

/** Replays a recording's events through apply() and its DBDel actions through markRemovedByAdmin. */
function replay(state: RegistrarState, steps: TimelineStep[]): StateChange[] {
  return steps.flatMap((s) => {
    if (s.kind === 'event') return state.apply(s.event);
    if (s.kind === 'dbdel') return state.markRemovedByAdmin(s.contactId, s.at);
    return [];
  });
}

const ids = (state: RegistrarState, aor: string) => state.contactsOfAor(aor).map((c) => c.id).sort();

describe('the registrar state built from a full sync', () => {
  it('holds phone1 with exactly the two recorded contacts (recording a)', () => {
    const [contacts] = recordedContactLists('a_phone1_two_contacts_queries.txt');
    const state = RegistrarState.fromSnapshot(labSnapshot(contacts!));
    expect(ids(state, 'phone1')).toEqual(['phone1;@0ca336795b4b748e1af6a94a41d43e4d', 'phone1;@4b204cef0eb06b9dca5d88aa373dd704']);
    expect(state.aor('phone1')?.maxContacts).toBe(2);
    expect(state.endpoint('phone2')?.deviceState).toBe('Unavailable');
    expect(state.endpoints().map((e) => e.name)).toEqual(['phone1', 'phone2', 'phone3', 'wiz1']);
    expect(RegistrarState.fromSnapshot(state.snapshot()).snapshot()).toEqual(state.snapshot());
  });
});

describe('live events', () => {
  it('follows phone2 remove_existing: new contact in, older one out, endpoint now reachable (recording d)', () => {
    const state = RegistrarState.fromSnapshot(labSnapshot([]));
    const changes = replay(state, recordedTimeline('d_phone2_remove_existing.txt'));
    const [, after] = recordedContactLists('d_phone2_remove_existing.txt');
    expect(ids(state, 'phone2')).toEqual([after![0]!.id]);
    expect(changes.map((c) => c.kind)).toEqual(['endpointUpdated', 'contactUpserted', 'contactUpserted', 'contactRemoved']);
    expect(changes[1]).toMatchObject({ incomplete: true, contact: { status: 'NonQualified', endpoint: 'phone2' } });
    expect(changes[3]).toMatchObject({ reason: 'unregisteredOrExpired', aor: 'phone2', endpoint: 'phone2' });
    expect(state.endpoint('phone2')?.deviceState).toBe('Not in use');
  });

  it('reports the refused third phone1 phone from 127.0.0.1:5073 at limit 2 (recording b)', () => {
    const [contacts] = recordedContactLists('b_phone1_third_contact_max_contacts.txt');
    const state = RegistrarState.fromSnapshot(labSnapshot(contacts!));
    const changes = replay(state, recordedTimeline('b_phone1_third_contact_max_contacts.txt'));
    expect(changes).toEqual([
      {
        kind: 'refused',
        refusal: {
          endpoint: 'phone1',
          source: { family: 'IPV4', transport: 'UDP', addr: '127.0.0.1', port: 5073 },
          callId: 'd6590ceee04377cb8a709f1d@127.0.0.1',
          at: Date.parse('2026-11-26T06:00:33.447Z'),
          maxContacts: 2,
        },
      },
    ]);
    expect(state.contactsOfAor('phone1')).toHaveLength(2);
  });

  it('takes the refusing AOR to be the one named like the endpoint, else its only AOR, else unknown', () => {
    const lab = labSnapshot([]);
    const aor = (name: string, maxContacts: number) => ({ ...lab.aors[0]!, name, maxContacts });
    const state = RegistrarState.fromSnapshot({
      aors: [aor('shared', 5), aor('desk', 1), aor('other', 3)],
      endpoints: [
        { name: 'desk', aors: ['shared', 'desk'], deviceState: 'Not in use' },
        { name: 'lobby', aors: ['other'], deviceState: 'Not in use' },
        { name: 'pair', aors: ['shared', 'other'], deviceState: 'Not in use' },
      ],
      contacts: [],
    });
    const refusedFor = (endpoint: string) => {
      const [change] = state.apply({ kind: 'refused', endpoint, source: null, callId: 'x', at: 0 });
      return change?.kind === 'refused' ? change.refusal.maxContacts : 'no refusal';
    };
    expect([refusedFor('desk'), refusedFor('lobby'), refusedFor('pair'), refusedFor('nosuch')]).toEqual([1, 3, null, null]);
  });

  it('takes qualify status and round-trip time from Reachable, clears the time on Unreachable (recording e)', () => {
    const state = RegistrarState.fromSnapshot(labSnapshot([]));
    const steps = recordedTimeline('e_phone3_qualify.txt').filter((s) => s.kind === 'event');
    replay(state, steps.slice(0, 5));
    const [listed] = recordedContactLists('e_phone3_qualify.txt');
    const answering = listed!.find((c) => c.viaPort === 5082)!;
    expect(state.contact(answering.id)).toMatchObject({ status: 'Reachable', roundtripUsec: 501234 });
    expect(state.contact(listed!.find((c) => c.viaPort === 5081)!.id)?.status).toBe('Unreachable');
    replay(state, steps.slice(5));
    expect(state.contact(answering.id)).toMatchObject({ status: 'Unreachable', roundtripUsec: null });
    expect(state.endpoint('phone3')?.deviceState).toBe('Unavailable');
  });

  it('drops expired contacts on Removed and marks the endpoint unavailable (recording f)', () => {
    const [, both] = recordedContactLists('f_short_expiry.txt');
    const state = RegistrarState.fromSnapshot(labSnapshot(both!));
    const expiry = recordedTimeline('f_short_expiry.txt').filter((s) => s.kind === 'event' && s.event.at >= Date.parse('2026-11-26T06:06:00Z'));
    expect(expiry.length).toBeGreaterThan(0);
    const changes = replay(state, expiry);
    expect(changes.filter((c) => c.kind === 'contactRemoved')).toHaveLength(2);
    expect(state.contactsOfAor('phone1')).toEqual([]);
    expect(state.endpoint('phone1')?.deviceState).toBe('Unavailable');
  });

  it('keeps the status events told when the bridge fills a contact from DBGet', () => {
    const [listed] = recordedContactLists('e_phone3_qualify.txt');
    const state = RegistrarState.fromSnapshot(labSnapshot([]));
    replay(state, recordedTimeline('e_phone3_qualify.txt').filter((s) => s.kind === 'event').slice(0, 5));
    const read = { ...listed!.find((c) => c.viaPort === 5082)!, status: 'Unknown' as const, roundtripUsec: null };
    expect(state.upsertContact(read)).toEqual([{ kind: 'contactUpserted', incomplete: false, contact: { ...read, status: 'Reachable', roundtripUsec: 501234 } }]);
  });

  it('creates an incomplete contact for a qualify result about a contact it has not seen', () => {
    const state = RegistrarState.fromSnapshot(labSnapshot([]));
    const uri = 'sip:phone3@127.0.0.1:5090';
    const changes = state.apply({ kind: 'contactStatus', status: 'Reachable', uri, aor: 'phone3', endpoint: 'phone3', roundtripUsec: 900, at: 1 });
    expect(changes).toMatchObject([{ kind: 'contactUpserted', incomplete: true, contact: { id: contactId('phone3', uri), status: 'Reachable', roundtripUsec: 900, qualifyFrequency: 10 } }]);
  });
});

describe('removal by the admin and the DBDel ghost', () => {
  const [before] = recordedContactLists('c4_dbdel_then_expiry_time.txt');
  const phone3 = before!.find((c) => c.aor === 'phone3')!;
  const timeline = recordedTimeline('c4_dbdel_then_expiry_time.txt');

  it('turns the Unreachable that Asterisk sends for the deleted phone3 contact into a ghost, never a contact (recording c4)', () => {
    const state = RegistrarState.fromSnapshot(labSnapshot([]));
    const changes = replay(state, timeline);
    expect(changes.filter((c) => c.kind === 'contactRemoved').map((c) => c.kind === 'contactRemoved' && c.reason)).toEqual(['removedByAdmin', 'removedByAdmin']);
    expect(state.contactsOfAor('phone1')).toEqual([]);
    expect(state.contactsOfAor('phone3')).toEqual([]);
    expect(changes.at(-1)).toEqual({
      kind: 'ghost',
      ghost: { contactId: phone3.id, uri: phone3.uri, aor: 'phone3', endpoint: 'phone3', status: 'Unreachable', lastSeenAt: Date.parse('2026-11-26T06:02:36.323Z') },
    });
    expect(state.ghosts()).toHaveLength(1);
  });

  it('lets the phone come back when it registers again (NonQualified), and drops the ghost', () => {
    const state = RegistrarState.fromSnapshot(labSnapshot([phone3]));
    state.markRemovedByAdmin(phone3.id, 1);
    state.apply(ghostEvent('Unreachable'));
    const changes = state.apply({ ...ghostEvent('Unreachable'), status: 'NonQualified' });
    expect(changes).toMatchObject([{ kind: 'contactUpserted', incomplete: true, contact: { id: phone3.id, status: 'NonQualified' } }]);
    expect(state.ghosts()).toEqual([]);
    expect(state.isRemovedByAdmin(phone3.id)).toBe(false);
  });

  it('ignores a late DBGet read of a removed contact until Undo clears the mark', () => {
    const state = RegistrarState.fromSnapshot(labSnapshot([phone3]));
    state.markRemovedByAdmin(phone3.id, 1);
    expect(state.upsertContact(phone3)).toEqual([]);
    expect(state.contact(phone3.id)).toBeUndefined();
    state.clearRemovedMark(phone3.id);
    expect(state.upsertContact(phone3)).toHaveLength(1);
    expect(state.contact(phone3.id)).toEqual(phone3);
  });

  it('keeps removal marks and ghosts across a resync, unless the snapshot shows the contact registered', () => {
    const old = RegistrarState.fromSnapshot(labSnapshot([phone3]));
    old.markRemovedByAdmin(phone3.id, 1);
    old.apply(ghostEvent('Unreachable'));
    const resynced = RegistrarState.fromSnapshot(labSnapshot([]), old);
    expect(resynced.ghosts()).toHaveLength(1);
    expect(resynced.apply(ghostEvent('Reachable'))[0]?.kind).toBe('ghost');
    const registeredAgain = RegistrarState.fromSnapshot(labSnapshot([phone3]), old);
    expect(registeredAgain.isRemovedByAdmin(phone3.id)).toBe(false);
    expect(registeredAgain.ghosts()).toEqual([]);
  });

  function ghostEvent(status: 'Reachable' | 'Unreachable'): Extract<RegistrarEvent, { kind: 'contactStatus' }> {
    return { kind: 'contactStatus', status, uri: phone3.uri, aor: 'phone3', endpoint: 'phone3', roundtripUsec: status === 'Reachable' ? 300 : null, at: 2 };
  }
});
