import { describe, expect, it } from 'vitest';
import { dialContacts } from '../../../src-main/core/dial-string';
import { RegistrarState } from '../../../src-main/core/registrar-state';
import { TRANSCRIPTS } from '../../support/transcript';
import { labSnapshot, recordedContactLists, recordedTimeline } from './recorded';

/** Asterisk lists contacts in no fixed order: compare the &-separated parts as a set. */
const parts = (dial: string) => dial.split('&').filter(Boolean).sort();

/** Every Getvar PJSIP_DIAL_CONTACTS(<endpoint>) answer of every recorded session, with the state at that moment. */
function recordedDialAnswers() {
  const answers: Array<{ where: string; endpoint: string; value: string; computed: string }> = [];
  for (const name of TRANSCRIPTS) {
    for (const session of ['S1', 'S3']) {
      const state = RegistrarState.fromSnapshot(labSnapshot([]));
      for (const step of recordedTimeline(name, session)) {
        if (step.kind === 'event') state.apply(step.event);
        else if (step.kind === 'dbdel') state.markRemovedByAdmin(step.contactId, step.at);
        else if (step.kind === 'listed') state.upsertContact(step.contact);
        else {
          const m = /^PJSIP_DIAL_CONTACTS\((.*)\)$/.exec(step.variable);
          if (m) answers.push({ where: `${name} ${session}`, endpoint: m[1]!, value: step.value, computed: dialContacts(state, m[1]!) });
        }
      }
    }
  }
  return answers;
}

describe('PJSIP_DIAL_CONTACTS computed from the state', () => {
  it('gives what Asterisk answered to every recorded Getvar (phone1 pair, after DBDel, remove_existing, qualify, unknown endpoint)', () => {
    const answers = recordedDialAnswers();
    expect(answers.length).toBeGreaterThanOrEqual(12);
    for (const a of answers) expect({ where: a.where, dial: parts(a.computed) }).toEqual({ where: a.where, dial: parts(a.value) });
  });

  const [pair] = recordedContactLists('a_phone1_two_contacts_queries.txt');
  const state = RegistrarState.fromSnapshot(labSnapshot(pair!));
  const [c5071, c5072] = [...pair!].sort((a, b) => a.viaPort - b.viaPort);

  it('puts request_user before the endpoint and leaves the contact URI as registered', () => {
    expect(parts(dialContacts(state, 'phone1', undefined, '2001'))).toEqual(parts(`PJSIP/2001@phone1/${c5071!.uri}&PJSIP/2001@phone1/${c5072!.uri}`));
  });

  it('uses the given AOR list instead of the endpoint aors, trimming names and skipping unknown ones', () => {
    expect(dialContacts(state, 'phone2', ' phone1 , nosuch')).not.toBe('');
    expect(parts(dialContacts(state, 'phone2', ' phone1 , nosuch'))).toEqual(parts(`PJSIP/phone2/${c5071!.uri}&PJSIP/phone2/${c5072!.uri}`));
    expect(dialContacts(state, 'phone1', 'nosuch')).toBe('');
  });

  it('leaves out unreachable contacts but keeps not-yet-qualified ones', () => {
    state.apply({ kind: 'contactStatus', status: 'Unreachable', uri: c5071!.uri, aor: 'phone1', endpoint: 'phone1', roundtripUsec: null, at: 1 });
    expect(dialContacts(state, 'phone1')).toBe(`PJSIP/phone1/${c5072!.uri}`);
    state.upsertContact({ ...c5072!, status: 'Unknown' });
    expect(dialContacts(state, 'phone1')).toBe(`PJSIP/phone1/${c5072!.uri}`);
  });

  it('is empty for an unknown endpoint', () => {
    expect(dialContacts(state, 'nosuch')).toBe('');
  });
});
