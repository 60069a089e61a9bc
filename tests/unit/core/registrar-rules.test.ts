import { describe, expect, it } from 'vitest';
import {
  admitRegister,
  expiredContacts,
  registrationExpiration,
  whatIfRegister,
} from '../../../src-main/core/registrar-rules';
import type { Aor, Contact, RegisterOutcome, RegisterRequest } from '../../../src-main/core/types';
import { recordedAor, recordedContactLists } from './recorded';

/** Epoch seconds of a wall-clock time of the recordings (26 Nov 2026, UTC). */
const labAt = (hhmmss: string) => Date.UTC(2026, 10, 26, ...(hhmmss.split(':').map(Number) as [number, number, number])) / 1000;
const UA = 'Grandstream GXP2170 1.0.11.3';

function register(endpoint: string, port: number, uri: string, expires: number | null, now: number, callId = `cid-${port}`): RegisterRequest {
  return { endpoint, callId, cseq: 2, userAgent: UA, viaAddr: '127.0.0.1', viaPort: port, expiresHeader: expires, bindings: [{ uri, expires: null }], now };
}

function accepted(o: RegisterOutcome): Extract<RegisterOutcome, { kind: 'accepted' }> {
  if (o.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(o)}`);
  return o;
}

const ids = (cs: readonly Contact[]) => cs.map((c) => c.id);
const [phone1Pair] = recordedContactLists('b_phone1_third_contact_max_contacts.txt');

function contactAt(aor: Aor, port: number, expirationTime: number, status: Contact['status'] = 'NonQualified', viaAddr = '127.0.0.1'): Contact {
  const base = accepted(admitRegister(aor, [], register(aor.name, port, `sip:${aor.name}@${viaAddr}:${port}`, 3600, 0))).added[0]!;
  return { ...base, viaAddr, expirationTime, status };
}

describe('max_contacts (res_pjsip_registrar.c register_aor_core)', () => {
  it('refuses the third contact when max_contacts is 2 (recording b)', () => {
    expect(phone1Pair).toHaveLength(2);
    const req = register('phone1', 5073, 'sip:phone1@127.0.0.1:5073;rinstance=3dd819a216e5962a', 3600, labAt('06:00:33'), 'd6590ceee04377cb8a709f1d@127.0.0.1');
    expect(admitRegister(recordedAor('phone1'), phone1Pair!, req)).toEqual({ kind: 'refused', reason: 'maxContacts', maxContacts: 2, sipStatus: 403 });
  });

  it('refreshes a phone already bound at the limit instead of refusing it, keeping its Via and Call-ID', () => {
    const old = phone1Pair!.find((c) => c.viaPort === 5071)!;
    const now = labAt('06:10:00');
    const out = accepted(admitRegister(recordedAor('phone1'), phone1Pair!, { ...register('phone1', 6000, old.uri, 600, now, 'new-call-id'), userAgent: 'Yealink T46U' }));
    expect(out.added).toEqual([]);
    expect(out.refreshed).toEqual([{ ...old, expirationTime: now + 600, userAgent: 'Yealink T46U' }]);
    expect(ids(out.contacts).sort()).toEqual(ids(phone1Pair!).sort());
  });

  it('finds the existing binding by SIP URI equality, not by string (host case, parameter order)', () => {
    const aor = recordedAor('phone1');
    const bound = contactAt(aor, 5071, 100);
    const c = { ...bound, uri: 'sip:phone1@127.0.0.1:5071;transport=udp;rinstance=ab' };
    const out = accepted(admitRegister(aor, [c, contactAt(aor, 5072, 100)], register('phone1', 5071, 'sip:phone1@127.0.0.1:5071;RINSTANCE=ab;transport=UDP', 3600, 0)));
    expect(out.refreshed.map((r) => r.id)).toEqual([c.id]);
  });

  it('admits a phone at the limit that swaps its binding in one REGISTER (old one Expires 0, new one added)', () => {
    const [old] = phone1Pair!;
    const req = { ...register('phone1', 5071, '', 3600, 0), bindings: [{ uri: old!.uri, expires: 0 }, { uri: 'sip:phone1@127.0.0.1:5075', expires: null }] };
    const out = accepted(admitRegister(recordedAor('phone1'), phone1Pair!, req));
    expect(ids(out.unregistered)).toEqual([old!.id]);
    expect(out.contacts).toHaveLength(2);
  });

  it('refuses every REGISTER when max_contacts is 0 (registration not permitted)', () => {
    const aor = { ...recordedAor('phone1'), maxContacts: 0 };
    expect(admitRegister(aor, [], register('phone1', 5071, 'sip:phone1@127.0.0.1:5071', 3600, 0)).kind).toBe('refused');
  });

  it('admits a new contact with the AOR qualify settings and the REGISTER details', () => {
    const aor = recordedAor('phone3');
    const now = labAt('06:04:16');
    const out = accepted(admitRegister(aor, [], register('phone3', 5081, 'sip:phone3@127.0.0.1:5081;rinstance=cee80aac013cbded', 3600, now, 'c1')));
    const [recorded] = recordedContactLists('e_phone3_qualify.txt')[0]!;
    expect(out.added).toEqual([
      { ...recorded, callId: 'c1', status: 'NonQualified', roundtripUsec: null, expirationTime: now + 3600 },
    ]);
    expect(out.added[0]!.qualifyFrequency).toBe(10);
  });

  it('skips bindings that are not sip: or sips: URIs', () => {
    const out = accepted(admitRegister(recordedAor('phone3'), [], register('phone3', 5081, 'tel:+15551234', 3600, 0)));
    expect(out.contacts).toEqual([]);
  });
});

describe('remove_existing and remove_unavailable (remove_excess_contacts, vec_contact_cmp)', () => {
  it('keeps the newest phone2 contact and drops the older one (recording d)', () => {
    const [before, after] = recordedContactLists('d_phone2_remove_existing.txt');
    const out = accepted(admitRegister(recordedAor('phone2'), before!, register('phone2', 5092, 'sip:phone2@127.0.0.1:5092;rinstance=65ebf12142768567', 3600, labAt('06:04:12'))));
    expect(ids(out.dropped)).toEqual(ids(before!));
    expect(ids(out.contacts)).toEqual(ids(after!));
    expect(out.contacts[0]!.expirationTime).toBe(after![0]!.expirationTime);
  });

  it('drops the soonest-expiring contact of wiz1, not the one from the same address', () => {
    const aor = recordedAor('wiz1');
    const a = contactAt(aor, 5071, 0, 'NonQualified', '10.0.0.7');
    const b = contactAt(aor, 5072, 0);
    // Whichever comes first in key order, the sooner expiration decides.
    for (const [soonest, later] of [[a, b], [b, a]] as const) {
      const current = [{ ...later, expirationTime: 2000 }, { ...soonest, expirationTime: 1000 }];
      const out = accepted(admitRegister(aor, current, register('wiz1', 5072, 'sip:wiz1@127.0.0.1:6000', 3600, 500)));
      expect(ids(out.dropped)).toEqual([soonest.id]);
      expect(ids(out.contacts).sort()).toEqual([later.id, out.added[0]!.id].sort());
    }
  });

  it('between contacts expiring in the same second, drops the one first in AstDB key order', () => {
    const aor = recordedAor('wiz1');
    const [x, y] = [contactAt(aor, 5071, 1000), contactAt(aor, 5072, 1000)].sort((a, b) => (a.id < b.id ? -1 : 1));
    const out = accepted(admitRegister(aor, [y!, x!], register('wiz1', 5073, 'sip:wiz1@127.0.0.1:5073', 3600, 500)));
    expect(ids(out.dropped)).toEqual([x!.id]);
  });

  it('with remove_unavailable too, drops an unreachable contact before a sooner-expiring reachable one', () => {
    const aor = { ...recordedAor('wiz1'), removeUnavailable: true };
    const soonest = contactAt(aor, 5071, 1000, 'Reachable');
    const unreachable = contactAt(aor, 5072, 2000, 'Unreachable');
    const out = accepted(admitRegister(aor, [soonest, unreachable], register('wiz1', 5073, 'sip:wiz1@127.0.0.1:5073', 3600, 500)));
    expect(ids(out.dropped)).toEqual([unreachable.id]);
  });

  it('without remove_existing, remove_unavailable makes room by dropping an unreachable contact', () => {
    const aor = { ...recordedAor('phone1'), removeUnavailable: true };
    const reachable = contactAt(aor, 5071, 1000, 'Reachable');
    const unreachable = contactAt(aor, 5072, 2000, 'Unreachable');
    const out = accepted(admitRegister(aor, [reachable, unreachable], register('phone1', 5073, 'sip:phone1@127.0.0.1:5073', 3600, 500)));
    expect(ids(out.dropped)).toEqual([unreachable.id]);
    expect(ids(out.contacts)).toEqual([reachable.id, out.added[0]!.id]);
  });

  it('still refuses when no contact is unreachable, and drops nothing', () => {
    const aor = { ...recordedAor('phone1'), removeUnavailable: true };
    const out = admitRegister(aor, [contactAt(aor, 5071, 1000, 'Reachable'), contactAt(aor, 5072, 2000, 'NonQualified')], register('phone1', 5073, 'sip:phone1@127.0.0.1:5073', 3600, 500));
    expect(out.kind).toBe('refused');
  });

  it('refuses a REGISTER that alone binds more contacts than max_contacts, even with remove_existing', () => {
    const aor = recordedAor('phone2');
    const req = { ...register('phone2', 5091, 'sip:phone2@127.0.0.1:5091', 3600, 0), bindings: [{ uri: 'sip:phone2@127.0.0.1:5091', expires: null }, { uri: 'sip:phone2@127.0.0.1:5092', expires: null }] };
    expect(admitRegister(aor, [], req).kind).toBe('refused');
  });
});

describe('expiration (registrar_get_expiration)', () => {
  const aor = recordedAor('phone1');

  it('raises Expires 30 to minimum_expiration 60 instead of refusing (recording f)', () => {
    const [, afterShort] = recordedContactLists('f_short_expiry.txt');
    const recorded = afterShort!.find((c) => c.viaPort === 5072)!;
    const out = accepted(admitRegister(aor, [], register('phone1', 5072, recorded.uri, 30, labAt('06:05:04'))));
    expect(out.added[0]!.expirationTime).toBe(recorded.expirationTime);
  });

  it('prefers the Contact ;expires over the Expires header, falls back to default_expiration, caps at maximum_expiration', () => {
    expect(registrationExpiration(aor, 120, 3600)).toBe(120);
    expect(registrationExpiration(aor, null, 3600)).toBe(3600);
    expect(registrationExpiration(aor, null, null)).toBe(3600);
    expect(registrationExpiration({ ...aor, defaultExpiration: 900 }, null, null)).toBe(900);
    expect(registrationExpiration(aor, null, 86400)).toBe(7200);
    expect(registrationExpiration(aor, 0, 3600)).toBe(0);
    expect(registrationExpiration(aor, 1, null)).toBe(60);
  });
});

describe('unregister', () => {
  it('removes only the contact that sends Expires 0 (recording g)', () => {
    const [after] = recordedContactLists('g_unregister.txt');
    const gone = { ...after![0]!, id: 'phone1;@1d0b4e2cc3b58f6b7ecdd8c4c5d6f2b1', uri: 'sip:phone1@127.0.0.1:5071;rinstance=a376719ad3522a7b', viaPort: 5071 };
    const out = accepted(admitRegister(recordedAor('phone1'), [gone, after![0]!], register('phone1', 5071, gone.uri, 0, labAt('06:06:37'))));
    expect(ids(out.unregistered)).toEqual([gone.id]);
    expect(out.contacts).toEqual(after);
  });

  it('forgives Expires 0 for a contact it does not have', () => {
    const out = accepted(admitRegister(recordedAor('phone1'), phone1Pair!, register('phone1', 5079, 'sip:phone1@127.0.0.1:5079', 0, 0)));
    expect(out.contacts).toEqual(phone1Pair);
    expect(out.unregistered).toEqual([]);
  });

  it('removes every contact for Contact: * with Expires: 0', () => {
    const req = { ...register('phone1', 5071, '', 0, 0), bindings: '*' as const };
    const out = accepted(admitRegister(recordedAor('phone1'), phone1Pair!, req));
    expect(ids(out.unregistered)).toEqual(ids(phone1Pair!));
    expect(out.contacts).toEqual([]);
  });

  it('after max_contacts was lowered below the registered count, refuses even a refresh but still lets Contact: * clear the AOR', () => {
    const lowered = { ...recordedAor('phone1'), maxContacts: 1 };
    expect(admitRegister(lowered, phone1Pair!, register('phone1', 5071, phone1Pair![0]!.uri, 3600, 0)).kind).toBe('refused');
    const star = { ...register('phone1', 5071, '', 0, 0), bindings: '*' as const };
    expect(accepted(admitRegister(lowered, phone1Pair!, star)).contacts).toEqual([]);
  });

  it('rejects Contact: * without Expires: 0 with 400', () => {
    const star = { ...register('phone1', 5071, '', 3600, 0), bindings: '*' as const };
    expect(admitRegister(recordedAor('phone1'), phone1Pair!, star)).toMatchObject({ kind: 'invalid', sipStatus: 400 });
    expect(admitRegister(recordedAor('phone1'), phone1Pair!, { ...star, expiresHeader: null })).toMatchObject({ kind: 'invalid' });
  });

  it('rejects a negative or fractional expires with 400', () => {
    expect(admitRegister(recordedAor('phone1'), [], register('phone1', 5071, 'sip:a@b', -1, 0)).kind).toBe('invalid');
    const req = { ...register('phone1', 5071, 'sip:a@b', null, 0), bindings: [{ uri: 'sip:a@b', expires: 1.5 }] };
    expect(admitRegister(recordedAor('phone1'), [], req).kind).toBe('invalid');
  });
});

describe('expiry check', () => {
  const [firstList] = recordedContactLists('f_short_expiry.txt');
  const short = firstList![0]!;

  it('drops the 60 s contact of recording f once its expiration time has passed (Asterisk did at 06:06:32)', () => {
    expect(expiredContacts(firstList!, labAt('06:06:32') * 1000)).toEqual([short]);
  });

  it('keeps it up to and including its expiration second', () => {
    expect(expiredContacts(firstList!, short.expirationTime * 1000)).toEqual([]);
    expect(expiredContacts(firstList!, short.expirationTime * 1000 + 1)).toEqual([short]);
  });
});

describe('what if one more phone registered now', () => {
  it('says phone1 at 2/2 would be refused', () => {
    expect(whatIfRegister(recordedAor('phone1'), phone1Pair!, 0)).toEqual({ kind: 'refused', maxContacts: 2 });
  });

  it('names the phone2 contact remove_existing would drop', () => {
    const [before] = recordedContactLists('d_phone2_remove_existing.txt');
    expect(whatIfRegister(recordedAor('phone2'), before!, labAt('06:05:00') * 1000)).toEqual({ kind: 'drops', contactIds: ids(before!) });
  });

  it('admits a phone while phone3 has room', () => {
    expect(whatIfRegister(recordedAor('phone3'), recordedContactLists('e_phone3_qualify.txt')[0]!, 0)).toEqual({ kind: 'admitted' });
  });

  it('agrees with the full rules for every option set and contact count, below the limit and at it', () => {
    const now = labAt('06:05:00');
    for (const maxContacts of [0, 1, 2, 3]) {
      for (const removeExisting of [false, true]) {
        for (const removeUnavailable of [false, true]) {
          const aor: Aor = { ...recordedAor('phone3'), maxContacts, removeExisting, removeUnavailable };
          for (let count = 0; count <= maxContacts; count++) {
            const current = Array.from({ length: count }, (_, i) => contactAt(aor, 5071 + i, now + 100 * i, i === 0 ? 'Unreachable' : 'Reachable'));
            const full = admitRegister(aor, current, register(aor.name, 6000, `sip:${aor.name}@10.9.9.9:6000`, null, now));
            const expected =
              full.kind === 'refused' ? { kind: 'refused', maxContacts } : full.kind === 'accepted' && full.dropped.length > 0 ? { kind: 'drops', contactIds: ids(full.dropped) } : { kind: 'admitted' };
            expect(whatIfRegister(aor, current, now * 1000), JSON.stringify({ maxContacts, removeExisting, removeUnavailable, count })).toEqual(expected);
          }
        }
      }
    }
  });
});
