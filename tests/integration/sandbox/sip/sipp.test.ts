// sipp (Debian sip-tester) as the phones, with the lab's Contact and User-Agent, against the Sandbox.
import { describe, expect, it } from 'vitest';
import { registerPhone, skipWithout, unregisterPhone } from '../../../support/sip-phone';
import { fieldOf, startLab } from './harness';

describe.skipIf(skipWithout('sipp', 'sip-tester'))('sipp phones', () => {
  it('registers with digest auth, refreshes, is refused past max_contacts with 403 + FailedACL, and unregisters', { timeout: 60_000 }, async () => {
    const { pbx, events, take } = await startLab();
    const server = pbx.sipAddress;
    const login = { server, user: 'phone1', password: 'pw-phone1' };

    const desk = await registerPhone({ ...login, expires: 3600 });
    expect(desk.status).toBe(200);
    expect(desk.contacts).toEqual([expect.stringMatching(new RegExp(`^<${desk.contactUri.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}>;expires=(3599|3600)$`))]);
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth', 'PeerStatus Reachable', 'ContactStatus NonQualified']);
    expect(pbx.contacts()).toMatchObject([{ uri: desk.contactUri, userAgent: 'Grandstream GXP2170 1.0.11.3', viaPort: desk.localPort, callId: desk.callId }]);

    const soft = await registerPhone({ ...login, expires: 3600 });
    expect(soft.status).toBe(200);
    expect(soft.contacts).toHaveLength(2);
    take();

    // The same phone again (same port, Contact and Call-ID): a refresh, no new contact.
    const refresh = await registerPhone({ ...login, expires: 1800, localPort: desk.localPort, contactUri: desk.contactUri, callId: desk.callId });
    expect(refresh.status).toBe(200);
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth']);
    expect(pbx.contacts()).toHaveLength(2);

    const third = await registerPhone({ ...login, expires: 3600 });
    expect(third.status).toBe(403);
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth', 'FailedACL']);
    const refused = events[events.length - 1];
    expect(fieldOf(refused, 'ACLName')).toBe('registrar_attempt_exceeds_maximum_configured_contacts');
    expect(fieldOf(refused, 'AccountID')).toBe('phone1');
    expect(fieldOf(refused, 'SessionID')).toBe(third.callId);
    expect(fieldOf(refused, 'RemoteAddress')).toBe(`IPV4/UDP/127.0.0.1/${third.localPort}`);
    expect(pbx.contacts()).toHaveLength(2);

    const gone = await unregisterPhone({ ...login, localPort: desk.localPort, contactUri: desk.contactUri, callId: desk.callId });
    expect(gone.status).toBe(200);
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth', 'ContactStatus Removed']);
    expect(pbx.contacts().map((c) => c.uri)).toEqual([soft.contactUri]);

    const all = await unregisterPhone({ ...login, all: true });
    expect(all.status).toBe(200);
    expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth', 'PeerStatus Unreachable', 'ContactStatus Removed']);
    expect(pbx.contacts()).toEqual([]);
  });

  it('answers a wrong password with 401 and registers nothing', { timeout: 30_000 }, async () => {
    const { pbx, take } = await startLab();
    const res = await registerPhone({ server: pbx.sipAddress, user: 'phone1', password: 'wrong', expires: 3600 });
    expect(res.status).toBe(401);
    expect(take()).toEqual(['ChallengeSent', 'ChallengeResponseFailed']);
    expect(pbx.contacts()).toEqual([]);
  });
});
