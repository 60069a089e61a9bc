import { describe, expect, it } from 'vitest';
import { aorOfContactId, contactId } from '../../../src-main/core/contact-id';
import { TRANSCRIPTS } from '../../support/transcript';
import { field, recordedEvents } from './recorded';

const recordedContacts = TRANSCRIPTS.flatMap((name) => recordedEvents(name, 'ContactList'));

describe('contact ids', () => {
  it('is <aor>;@ and the md5 of the contact uri, as Asterisk named phone1 from 5071', () => {
    expect(contactId('phone1', 'sip:phone1@127.0.0.1:5071;rinstance=889ca9d147fd1b35')).toBe(
      'phone1;@0ca336795b4b748e1af6a94a41d43e4d',
    );
  });

  it('matches every ObjectName Asterisk reported in PJSIPShowContacts for its Uri', () => {
    expect(recordedContacts.length).toBeGreaterThan(10);
    for (const c of recordedContacts) {
      const id = field(c, 'ObjectName');
      expect(contactId(aorOfContactId(id), field(c, 'Uri'))).toBe(id);
    }
  });

  it('reads the AOR as the part before ;@', () => {
    expect(aorOfContactId('phone3;@195c0803aaa718dfdb5c319eaff63ee7')).toBe('phone3');
  });

  it('refuses a string that is not a contact id', () => {
    expect(() => aorOfContactId('phone1')).toThrow(/not a contact id/);
    expect(() => aorOfContactId(';@abc')).toThrow(/not a contact id/);
  });
});
