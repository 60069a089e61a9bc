import { describe, expect, it } from 'vitest';
import type { Aor, Contact } from '../../../src-main/core/types';
import { ContactBook } from '../../../src-main/sandbox/contact-book';
import type { AmiEventOut } from '../../../src-main/sandbox/events';

const aor = (name: string, qualifyFrequency: number): Aor => ({
  name,
  maxContacts: 4,
  removeExisting: false,
  removeUnavailable: false,
  qualifyFrequency,
  qualifyTimeout: 3,
  minimumExpiration: 60,
  defaultExpiration: 3600,
  maximumExpiration: 7200,
});
const AORS = new Map([
  ['plain', aor('plain', 0)],
  ['qualified', aor('qualified', 3600)],
]);

const contact = (aorName: string, port: number): Contact => ({
  id: `${aorName};@${port}`,
  aor: aorName,
  endpoint: aorName,
  uri: `sip:${aorName}@127.0.0.1:${port}`,
  userAgent: 'UA',
  viaAddr: '127.0.0.1',
  viaPort: port,
  callId: `c${port}`,
  expirationTime: 2_000_000_000,
  status: 'NonQualified',
  roundtripUsec: null,
  qualifyFrequency: AORS.get(aorName)!.qualifyFrequency,
  qualifyTimeout: 3,
  regServer: '',
  path: '',
  outboundProxy: '',
});

/** A book whose OPTIONS answers the test gives by hand, in order. */
function book() {
  const events: AmiEventOut[] = [];
  const answers: Array<(rtt: number | null) => void> = [];
  const b = new ContactBook((n) => AORS.get(n), (e) => events.push(e), () => new Promise((resolve) => answers.push(resolve)));
  const names = () => events.splice(0).map((e) => `${e.event} ${e.fields.find(([k]) => k === 'ContactStatus' || k === 'PeerStatus')![1]}`);
  const answer = async (rtt: number | null) => {
    answers.shift()!(rtt);
    await new Promise((r) => setImmediate(r));
  };
  return { b, events, names, answer };
}

describe('ContactBook', () => {
  it('brings an unqualified endpoint online with its first contact and offline with its last', () => {
    const { b, names } = book();
    b.add(contact('plain', 1));
    expect(names()).toEqual(['PeerStatus Reachable', 'ContactStatus NonQualified']);
    b.add(contact('plain', 2));
    expect(names()).toEqual(['ContactStatus NonQualified']);
    b.remove(contact('plain', 1));
    expect(names()).toEqual(['ContactStatus Removed']);
    expect(b.deviceState('plain')).toBe('Not in use');
    b.remove(contact('plain', 2));
    expect(names()).toEqual(['PeerStatus Unreachable', 'ContactStatus Removed']);
    expect(b.deviceState('plain')).toBe('Unavailable');
    b.close();
  });

  it('counts a qualified contact only once it answers, and reports status changes only', async () => {
    const { b, events, names, answer } = book();
    b.add(contact('qualified', 1));
    expect(names()).toEqual(['ContactStatus NonQualified']);
    expect(b.deviceState('qualified')).toBe('Unavailable');
    await answer(1234);
    expect(names()).toEqual(['PeerStatus Reachable', 'ContactStatus Reachable']);
    b.qualifyNow(['qualified']);
    await answer(999);
    expect(events).toEqual([]);
    expect(b.live(contact('qualified', 1))).toMatchObject({ status: 'Reachable', roundtripUsec: 999 });
    b.qualifyNow(['qualified']);
    await answer(null);
    expect(names()).toEqual(['PeerStatus Unreachable', 'ContactStatus Unreachable']);
    expect(b.live(contact('qualified', 1))).toMatchObject({ status: 'Unreachable', roundtripUsec: null });
    b.close();
  });

  it('shows a contact it never saw as Unknown, and a refresh emits nothing', () => {
    const { b, names } = book();
    expect(b.live(contact('plain', 9))).toMatchObject({ status: 'Unknown', roundtripUsec: null });
    b.add(contact('plain', 1));
    names();
    b.refresh({ ...contact('plain', 1), expirationTime: 2_000_000_100 });
    expect(names()).toEqual([]);
    b.close();
  });

  it('ignores an OPTIONS answer for a contact removed while it was out', async () => {
    const { b, names, answer } = book();
    b.add(contact('qualified', 1));
    b.remove(contact('qualified', 1));
    names();
    await answer(100);
    expect(names()).toEqual([]);
    b.close();
  });
});
