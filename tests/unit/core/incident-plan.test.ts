import { describe, expect, it } from 'vitest';
import { contactId } from '../../../src-main/core/contact-id';
import { planStaleRemovals, plannedContacts } from '../../../src-main/core/incident-plan';
import { summarizeIncident } from '../../../src-main/core/incident-summary';
import { RefusalWindow } from '../../../src-main/core/refusal-window';
import { RegistrarState } from '../../../src-main/core/registrar-state';
import type { Aor, Contact } from '../../../src-main/core/types';

const NOW = Date.parse('2026-12-02T07:00:00Z');
const NOW_S = NOW / 1000;
const DESK = 'Grandstream GXP2170 1.0.11.3';
const SOFT = 'Zoiper 5.6';

function aor(name: string, maxContacts = 2, removeExisting = false): Aor {
  return { name, maxContacts, removeExisting, removeUnavailable: false, qualifyFrequency: 0, qualifyTimeout: 3, minimumExpiration: 60, defaultExpiration: 3600, maximumExpiration: 7200 };
}

function contact(aorName: string, port: number, userAgent: string, expiresIn: number, extra: Partial<Contact> = {}): Contact {
  const uri = `sip:${aorName}@192.0.2.10:${port};rinstance=${port}`;
  return {
    id: `${aorName};@${port.toString(16).padStart(32, '0')}`,
    aor: aorName,
    endpoint: aorName,
    uri,
    userAgent,
    viaAddr: '192.0.2.10',
    viaPort: port,
    callId: `call-${aorName}-${port}`,
    expirationTime: NOW_S + expiresIn,
    status: 'NonQualified',
    roundtripUsec: null,
    qualifyFrequency: 0,
    qualifyTimeout: 3,
    regServer: '',
    path: '',
    outboundProxy: '',
    ...extra,
  };
}

/** `after`: desk phone rebooted and got in (its leftover + new binding fill the AOR); `full`:
 *  desk + softphone, the desk phone rebooted and is refused (leftover still holds its slot). */
function state(kinds: Record<string, 'full' | 'fine' | 'staleRoom'>, aorOptions: Partial<Record<string, Aor>> = {}): RegistrarState {
  const names = Object.keys(kinds);
  const contacts: Contact[] = [];
  for (const n of names) {
    if (kinds[n] === 'full') contacts.push(contact(n, 5060, DESK, 600), contact(n, 5062, DESK, 3000));
    if (kinds[n] === 'fine') contacts.push(contact(n, 5060, DESK, 600), contact(n, 5070, SOFT, 3000));
    // max_contacts 3: a leftover, the new binding, one slot free: stale, but blocks nobody.
    if (kinds[n] === 'staleRoom') contacts.push(contact(n, 5060, DESK, 600), contact(n, 5062, DESK, 3000));
  }
  return RegistrarState.fromSnapshot({
    endpoints: names.map((n) => ({ name: n, aors: [n], deviceState: 'Not in use' })),
    aors: names.map((n) => aorOptions[n] ?? aor(n, kinds[n] === 'staleRoom' ? 3 : 2)),
    contacts,
  });
}

describe('the incident plan', () => {
  it('plans the older binding of a device that came back from a new port, with the newer one that replaced it', () => {
    const plan = planStaleRemovals(state({ p1: 'full' }), new Map(), NOW);
    expect(plan.contacts).toBe(1);
    expect(plan.groups).toEqual([
      {
        endpoint: 'p1',
        contacts: [
          expect.objectContaining({
            contactId: contact('p1', 5060, DESK, 600).id,
            reason: 'supersededBySameDevice',
            replacedBy: expect.objectContaining({ contactId: contact('p1', 5062, DESK, 3000).id, viaPort: 5062 }),
            aorAtLimit: true,
            refusedNow: false,
            callId: 'call-p1-5060',
            expirationTime: NOW_S + 600,
          }),
        ],
      },
    ]);
  });

  it('leaves out a desk phone beside its softphone: two devices, nothing stale', () => {
    expect(planStaleRemovals(state({ p1: 'fine' }), new Map(), NOW).contacts).toBe(0);
  });

  it('holds by default only contacts that block a phone; the every-stale switch adds the rest', () => {
    const s = state({ p1: 'full', p2: 'staleRoom' });
    const blocking = planStaleRemovals(s, new Map(), NOW);
    expect(blocking.groups.map((g) => g.endpoint)).toEqual(['p1']);
    expect(blocking.notBlocking).toBe(1);
    const all = planStaleRemovals(s, new Map(), NOW, { allStale: true });
    expect(all.groups.map((g) => g.endpoint)).toEqual(['p1', 'p2']);
    expect(all.groups[1]!.contacts[0]).toMatchObject({ aorAtLimit: false, refusedNow: false });
  });

  it('counts a stale contact as blocking when its endpoint was refused now, even with a slot free', () => {
    const plan = planStaleRemovals(state({ p2: 'staleRoom' }), new Map([['p2', { count: 3, sources: [] }]]), NOW);
    expect(plannedContacts(plan)).toEqual([expect.objectContaining({ endpoint: 'p2', refusedNow: true, aorAtLimit: false })]);
  });

  it("plans the refused phone's leftover: the one contact from the refused address with another port", () => {
    // Desk phone at .10 and softphone at .20 fill the AOR; the desk phone rebooted and is refused
    // from .10:5090. Its new binding never got in, so only the refusal ties the old one to it.
    const desk = contact('p1', 5060, DESK, 600);
    const soft = contact('p1', 5070, SOFT, 3000, { viaAddr: '192.0.2.20' });
    const s = RegistrarState.fromSnapshot({ endpoints: [{ name: 'p1', aors: ['p1'], deviceState: '' }], aors: [aor('p1')], contacts: [desk, soft] });
    const refusedFrom = { family: 'IPV4' as const, transport: 'UDP', addr: '192.0.2.10', port: 5090 };
    expect(planStaleRemovals(s, new Map(), NOW).contacts).toBe(0);
    const plan = planStaleRemovals(s, new Map([['p1', { count: 2, sources: [refusedFrom] }]]), NOW);
    expect(plannedContacts(plan)).toEqual([expect.objectContaining({ contactId: desk.id, reason: 'leftoverOfRefusedPhone', refusedFrom, aorAtLimit: true, refusedNow: true, replacedBy: null })]);
  });

  it('plans no leftover when two contacts share the refused address (the refusal names no User-Agent)', () => {
    const s = state({ p1: 'fine' });
    const refusedFrom = { family: 'IPV4' as const, transport: 'UDP', addr: '192.0.2.10', port: 5090 };
    expect(planStaleRemovals(s, new Map([['p1', { count: 1, sources: [refusedFrom] }]]), NOW).contacts).toBe(0);
  });

  it('plans expired and unreachable contacts with their reason, and never a ghost', () => {
    const expired = contact('p1', 5060, DESK, -5);
    const unreachable = contact('p1', 5070, SOFT, 3000, { status: 'Unreachable' });
    const s = RegistrarState.fromSnapshot({ endpoints: [{ name: 'p1', aors: ['p1'], deviceState: '' }], aors: [aor('p1')], contacts: [expired, unreachable] });
    s.markRemovedByAdmin(contactId('p1', 'sip:p1@192.0.2.10:5999'), NOW);
    s.apply({ kind: 'contactStatus', status: 'Unreachable', uri: 'sip:p1@192.0.2.10:5999', aor: 'p1', endpoint: 'p1', roundtripUsec: null, at: NOW });
    expect(s.ghosts()).toHaveLength(1);
    const plan = planStaleRemovals(s, new Map(), NOW);
    expect(plannedContacts(plan).map((c) => [c.contactId, c.reason, c.replacedBy])).toEqual([
      [expired.id, 'expired', null],
      [unreachable.id, 'unreachable', null],
    ]);
  });

  it('keeps to the endpoints asked for, and sorts groups by endpoint name', () => {
    const s = state({ p3: 'full', p1: 'full', p2: 'full' });
    expect(planStaleRemovals(s, new Map(), NOW).groups.map((g) => g.endpoint)).toEqual(['p1', 'p2', 'p3']);
    expect(planStaleRemovals(s, new Map(), NOW, { endpoints: ['p3', 'p2'] }).groups.map((g) => g.endpoint)).toEqual(['p2', 'p3']);
  });

  it('plans a contact of an AOR shared by two endpoints once', () => {
    const s = RegistrarState.fromSnapshot({
      endpoints: [{ name: 'a', aors: ['shared'], deviceState: '' }, { name: 'b', aors: ['shared'], deviceState: '' }],
      aors: [aor('shared')],
      contacts: [contact('shared', 5060, DESK, 600), contact('shared', 5062, DESK, 3000)],
    });
    expect(planStaleRemovals(s, new Map(), NOW).contacts).toBe(1);
  });

  it('is the same plan for the same state and time (the window, the CLI and the service agree)', () => {
    const s = state({ p1: 'full', p2: 'full' });
    expect(planStaleRemovals(s, new Map([['p1', { count: 1, sources: [] }]]), NOW)).toEqual(planStaleRemovals(s, new Map([['p1', { count: 1, sources: [] }]]), NOW));
  });

  it('plans 2,000 endpoints after a reboot wave in under half a second', () => {
    const kinds: Record<string, 'full'> = {};
    for (let i = 0; i < 2000; i++) kinds[`ext${1000 + i}`] = 'full';
    const s = state(kinds);
    const t = performance.now();
    const plan = planStaleRemovals(s, new Map(), NOW);
    expect(plan.contacts).toBe(2000);
    expect(performance.now() - t).toBeLessThan(500);
  });
});

describe('the incident summary', () => {
  it('shows the banner when several endpoints are blocked, with the stale count and the fix', () => {
    const s = state({ p1: 'full', p2: 'full', p3: 'full', p4: 'fine' });
    const summary = summarizeIncident(planStaleRemovals(s, new Map(), NOW), s, 2.5);
    expect(summary).toMatchObject({ active: true, blockedEndpoints: 3, staleContacts: 3, refusalsPerMinute: 2.5 });
    expect(summary.explanation.rebooting).toEqual([
      { endpoint: 'p1', aor: 'p1', leftovers: 1, userAgent: DESK },
      { endpoint: 'p2', aor: 'p2', leftovers: 1, userAgent: DESK },
      { endpoint: 'p3', aor: 'p3', leftovers: 1, userAgent: DESK },
    ]);
    expect(summary.explanation.freepbxCustomPost).toBe('[p1](+)\nremove_existing=yes\n\n[p2](+)\nremove_existing=yes\n\n[p3](+)\nremove_existing=yes');
    expect(summary.explanation.pjsipConf.split('\n\n')[0]).toBe('[p1]\ntype=aor\nremove_existing=yes');
  });

  it('is no incident for one or two stuck phones', () => {
    const s = state({ p1: 'full', p2: 'full' });
    expect(summarizeIncident(planStaleRemovals(s, new Map(), NOW), s, 0).active).toBe(false);
  });
});

describe('the refusal window', () => {
  it('counts refusals per endpoint over the last two minutes and their rate per minute', () => {
    const w = new RefusalWindow();
    w.add('p1', NOW - 150_000);
    w.add('p1', NOW - 60_000);
    w.add('p2', NOW - 30_000);
    w.add('p2', NOW - 1_000);
    expect([...w.recent(NOW)].map(([e, r]) => [e, r.count])).toEqual([['p1', 1], ['p2', 2]]);
    expect(w.perMinute(NOW)).toBe(1.5);
    expect([...w.recent(NOW + 120_000)]).toEqual([]);
    expect(w.perMinute(NOW + 120_000)).toBe(0);
  });
});
