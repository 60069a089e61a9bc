import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STORED_FLAGS,
  parseStoredContact,
  parseStoredContactRecord,
  serializeStoredContact,
} from '../../../src-main/core/astdb-contact';
import { TRANSCRIPTS } from '../../support/transcript';
import { field, recordedBlocks } from './recorded';

/** Every stored contact value Asterisk returned in the recordings: [family-relative key, JSON]. */
const stored: Array<[string, string]> = TRANSCRIPTS.flatMap((name) =>
  recordedBlocks(name).flatMap((b): Array<[string, string]> => {
    if (b.Event === 'DBGetTreeResponse' && field(b, 'Key').startsWith('/registrar/contact/')) {
      return [[field(b, 'Key').slice('/registrar/contact/'.length), field(b, 'Val')]];
    }
    if (b.Event === 'DBGetResponse' && b.Family === 'registrar/contact') return [[field(b, 'Key'), field(b, 'Val')]];
    return [];
  }),
);

const phone1From5071 = stored.find(([id]) => id === 'phone1;@0ca336795b4b748e1af6a94a41d43e4d');

describe('contacts as stored in the AstDB', () => {
  it('reads the recorded DBGet value of phone1 from 5071 field by field', () => {
    expect(phone1From5071).toBeDefined();
    const [id, json] = phone1From5071!;
    expect(parseStoredContact(id, json)).toEqual({
      id,
      aor: 'phone1',
      endpoint: 'phone1',
      uri: 'sip:phone1@127.0.0.1:5071;rinstance=889ca9d147fd1b35',
      userAgent: 'Grandstream GXP2170 1.0.11.3',
      viaAddr: '127.0.0.1',
      viaPort: 5071,
      callId: '2c5828aee91576cafbbdd2da@127.0.0.1',
      expirationTime: 1795676428,
      status: 'Unknown',
      roundtripUsec: null,
      qualifyFrequency: 0,
      qualifyTimeout: 3,
      regServer: '',
      path: '',
      outboundProxy: '',
    });
  });

  it('writes back byte for byte every stored value Asterisk returned in the recordings', () => {
    expect(stored.length).toBeGreaterThanOrEqual(8);
    for (const [id, json] of stored) {
      const { contact, flags } = parseStoredContactRecord(id, json);
      expect(serializeStoredContact(contact, flags)).toBe(json);
      expect(serializeStoredContact(contact)).toBe(json); // the lab's contacts all carry Asterisk's default flags
    }
  });

  it('agrees with PJSIPShowContacts about the same contact in the same recording', () => {
    const blocks = recordedBlocks('a_phone1_two_contacts_queries.txt');
    const listed = blocks.filter((b) => b.Event === 'ContactList');
    const trees = blocks.filter((b) => b.Event === 'DBGetTreeResponse');
    expect(listed).toHaveLength(2);
    for (const row of listed) {
      const id = field(row, 'ObjectName');
      const tree = trees.find((t) => field(t, 'Key') === `/registrar/contact/${id}`);
      const c = parseStoredContact(id, field(tree!, 'Val'));
      expect([c.uri, c.viaAddr, String(c.viaPort), c.callId, String(c.expirationTime), c.userAgent]).toEqual(
        ['Uri', 'ViaAddr', 'ViaPort', 'CallId', 'ExpirationTime', 'UserAgent'].map((k) => field(row, k)),
      );
    }
  });

  it('escapes quotes, backslashes and control characters the way jansson does', () => {
    const [id, json] = phone1From5071!;
    const c = { ...parseStoredContact(id, json), userAgent: 'Yealink "T46" \\ \u0001 é' };
    const out = serializeStoredContact(c);
    expect(out).toContain('"user_agent":"Yealink \\"T46\\" \\\\ \\u0001 é"');
    expect(parseStoredContact(id, out).userAgent).toBe(c.userAgent);
  });

  it('keeps non-default flags through a round trip', () => {
    const [id, json] = phone1From5071!;
    const flags = { qualify2xxOnly: true, pruneOnBoot: true, authenticateQualify: true };
    const out = serializeStoredContact(parseStoredContact(id, json), flags);
    expect(out).toContain('"qualify_2xx_only":"true"');
    expect(out).toContain('"prune_on_boot":"yes"');
    expect(parseStoredContactRecord(id, out).flags).toEqual(flags);
    expect(parseStoredContactRecord(id, json).flags).toEqual(DEFAULT_STORED_FLAGS);
  });

  it('reads a value stored without qualify_2xx_only (Asterisk 18, 20 before 20.12) and writes it back byte for byte', () => {
    // Derived from the recorded 22.10.1 value with the key taken out, as those versions store
    // it (VERSIONS.md row 2): no recording of 18 exists.
    const [id, json] = phone1From5071!;
    const older = json.replace('"qualify_2xx_only":"false",', '');
    expect(older).not.toContain('qualify_2xx_only');
    const record = parseStoredContactRecord(id, older);
    expect(record.contact).toEqual(parseStoredContact(id, json));
    expect(record.flags.qualify2xxOnly).toBeNull();
    expect(serializeStoredContact(record.contact, record.flags)).toBe(older);
    expect(serializeStoredContact(record.contact, parseStoredContactRecord(id, json).flags)).toBe(json);
  });

  it('refuses malformed JSON, a non-object, a missing key and a non-numeric port with the key named', () => {
    const [id, json] = phone1From5071!;
    expect(() => parseStoredContact(id, '{"via_addr":')).toThrow(/phone1;@0ca3.*not JSON/);
    expect(() => parseStoredContact(id, '[]')).toThrow(/not a JSON object/);
    const noUri = JSON.parse(json) as Record<string, string>;
    delete noUri.uri;
    expect(() => parseStoredContact(id, JSON.stringify(noUri))).toThrow(/missing or non-string uri/);
    expect(() => parseStoredContact(id, json.replace('"via_port":"5071"', '"via_port":"50x1"'))).toThrow(
      /via_port is not an integer/,
    );
    expect(() => parseStoredContact(id, json.replace('"prune_on_boot":"no"', '"prune_on_boot":"maybe"'))).toThrow(
      /prune_on_boot is not a boolean/,
    );
  });
});
