import { describe, expect, it } from 'vitest';
import { parseAsteriskVersion } from '../../../src-main/core/asterisk-version';
import { adviceFor, diagnoseAor, type AdviceContext } from '../../../src-main/core/diagnosis';
import type { Contact, Ghost } from '../../../src-main/core/types';
import { recordedAor, recordedContactLists } from './recorded';

const [phone1Pair] = recordedContactLists('a_phone1_two_contacts_queries.txt');
const NOW = Date.parse('2026-11-26T06:01:00Z');
/** The PBX the recordings come from. */
const ASTERISK_22: AdviceContext = { version: parseAsteriskVersion('22.10.1'), freepbx: false };
const at = (version: string, freepbx = false): AdviceContext => ({ version: parseAsteriskVersion(version), freepbx });

describe('an AOR at its limit', () => {
  it('flags phone1 at 2/2 without remove_existing, the older of two same-address same-UA bindings as the stale candidate (recording a)', () => {
    const d = diagnoseAor(recordedAor('phone1'), phone1Pair!, [], NOW, ['phone1']);
    // Same ExpirationTime (one second): the later Call-ID (abd35..., port 5072) counts as newer.
    expect(d).toMatchObject({
      aor: 'phone1',
      contacts: 2,
      maxContacts: 2,
      atLimit: true,
      stale: [{ contactId: 'phone1;@0ca336795b4b748e1af6a94a41d43e4d', reason: 'supersededBySameDevice', supersededBy: 'phone1;@4b204cef0eb06b9dca5d88aa373dd704' }],
    });
    expect(d.advice).toEqual({
      aor: 'phone1',
      pjsipConf: '[phone1]\ntype=aor\nmax_contacts=2\nremove_existing=yes',
      wizardConf: '[phone1]\ntype = wizard\naor/max_contacts = 2\naor/remove_existing = yes',
      freepbxConf: null,
      omitted: [],
    });
  });

  it('does not call phone2 at its limit: remove_existing replaces instead of refusing (recording d)', () => {
    const [one] = recordedContactLists('d_phone2_remove_existing.txt');
    expect(diagnoseAor(recordedAor('phone2'), one!, [], NOW)).toMatchObject({ contacts: 1, atLimit: false, advice: null });
  });

  it('does not call a full AOR at its limit when remove_unavailable can drop an unreachable contact', () => {
    const aor = { ...recordedAor('phone1'), removeUnavailable: true };
    const pair = [phone1Pair![0]!, { ...phone1Pair![1]!, status: 'Unreachable' as const }];
    expect(diagnoseAor(aor, pair, [], NOW).atLimit).toBe(false);
    expect(diagnoseAor(aor, phone1Pair!, [], NOW).atLimit).toBe(true);
  });
});

describe('stale contacts', () => {
  const [base] = phone1Pair!;
  const bound = (port: number, rinstance: string, expirationTime: number, callId: string): Contact => ({
    ...base!,
    id: `phone1;@${rinstance}`,
    uri: `sip:phone1@127.0.0.1:${port};rinstance=${rinstance}`,
    viaPort: port,
    expirationTime,
    callId,
  });

  it('marks the older bindings of a phone that rebooted and re-registered from a new port', () => {
    const stuck = bound(5071, 'old', 1795676000, 'b@x');
    const older = bound(5072, 'older', 1795675000, 'c@x');
    const fresh = bound(5073, 'new', 1795676400, 'a@x');
    const d = diagnoseAor(recordedAor('phone1'), [stuck, fresh, older], [], NOW);
    expect(d.stale).toEqual([
      { contactId: stuck.id, reason: 'supersededBySameDevice', supersededBy: fresh.id },
      { contactId: older.id, reason: 'supersededBySameDevice', supersededBy: fresh.id },
    ]);
  });

  it('does not tie together phones with another user agent or another address', () => {
    const deskPhone = bound(5071, 'desk', 1795676000, 'b@x');
    const softphone = { ...bound(5072, 'soft', 1795676400, 'a@x'), userAgent: 'Zoiper rv2.10' };
    const remote = { ...bound(5073, 'remote', 1795676500, 'c@x'), viaAddr: '198.51.100.7' };
    expect(diagnoseAor(recordedAor('phone1'), [deskPhone, softphone, remote], [], NOW).stale).toEqual([]);
  });

  it('never marks a contact that answers qualify as superseded', () => {
    const answering = { ...bound(5071, 'old', 1795676000, 'b@x'), status: 'Reachable' as const };
    const fresh = bound(5073, 'new', 1795676400, 'a@x');
    expect(diagnoseAor(recordedAor('phone1'), [answering, fresh], [], NOW).stale).toEqual([]);
  });

  it('breaks an expiration-time tie by Call-ID order, and ignores contacts without details yet', () => {
    const a = bound(5071, 'a', 1795676000, 'aaa@x');
    const b = bound(5071, 'b', 1795676000, 'bbb@x');
    expect(diagnoseAor(recordedAor('phone1'), [b, a], [], NOW).stale).toEqual([{ contactId: a.id, reason: 'supersededBySameDevice', supersededBy: b.id }]);
    const incomplete = { ...a, viaAddr: '', userAgent: '' };
    expect(diagnoseAor(recordedAor('phone1'), [incomplete, { ...b, viaAddr: '', userAgent: '' }], [], NOW).stale).toEqual([]);
  });

  it('marks unreachable contacts of a qualified AOR (recording e, after the responder stopped)', () => {
    const lists = recordedContactLists('e_phone3_qualify.txt');
    const last = lists.at(-1)!;
    expect(last.map((c) => c.status)).toEqual(['Unreachable', 'Unreachable']);
    expect(diagnoseAor(recordedAor('phone3'), last, [], NOW).stale).toEqual(last.map((c) => ({ contactId: c.id, reason: 'unreachable' })));
  });

  it('marks the DBDel ghost of its AOR only', () => {
    const ghost: Ghost = { contactId: 'phone3;@abd214e07c983f069dd967d314952f7e', uri: 'sip:phone3@127.0.0.1:5081;rinstance=c9df03497f4bce18', aor: 'phone3', endpoint: 'phone3', status: 'Unreachable', lastSeenAt: NOW };
    expect(diagnoseAor(recordedAor('phone3'), [], [ghost], NOW).stale).toEqual([{ contactId: ghost.contactId, reason: 'ghost' }]);
    expect(diagnoseAor(recordedAor('phone1'), [], [ghost], NOW).stale).toEqual([]);
  });

  it('marks a contact past its expiration time that the 30 s check has not dropped yet (recording f)', () => {
    const [short] = recordedContactLists('f_short_expiry.txt');
    expect(diagnoseAor(recordedAor('phone1'), short!, [], Date.parse('2026-11-26T06:06:10Z')).stale).toEqual([{ contactId: short![0]!.id, reason: 'expired' }]);
    expect(diagnoseAor(recordedAor('phone1'), short!, [], Date.parse('2026-11-26T06:05:30Z')).stale).toEqual([]);
  });
});

describe('configuration advice', () => {
  it('offers remove_unavailable only for a qualified AOR', () => {
    expect(adviceFor(recordedAor('phone3'), ['phone3'], ASTERISK_22).pjsipConf).toBe('[phone3]\ntype=aor\nmax_contacts=4\nremove_existing=yes\nremove_unavailable=yes');
    expect(adviceFor(recordedAor('phone3'), ['phone3'], ASTERISK_22).wizardConf).toContain('aor/remove_unavailable = yes');
    expect(adviceFor(recordedAor('phone1'), ['phone1'], ASTERISK_22).pjsipConf).not.toContain('remove_unavailable');
  });

  it('never offers remove_unavailable to a PBX whose version lacks it (before 18.8) or is unknown', () => {
    for (const version of ['18.7.0', '17.9.4', '16.21.0', 'GIT-master-0123abc']) {
      const advice = adviceFor(recordedAor('phone3'), ['phone3'], at(version));
      expect(advice.pjsipConf, version).not.toContain('remove_unavailable');
      expect(advice.wizardConf, version).not.toContain('remove_unavailable');
      expect(advice.omitted, version).toEqual(['remove_unavailable']);
    }
    expect(adviceFor(recordedAor('phone3'), ['phone3']).omitted).toEqual(['remove_unavailable']);
    for (const version of ['18.8.0', '18.26.4', '16.22.0', '19.0.0', '20.20.1', '21.12.3', '23.4.1', 'certified-20.7-cert5']) {
      expect(adviceFor(recordedAor('phone3'), ['phone3'], at(version)).pjsipConf, version).toContain('remove_unavailable=yes');
    }
  });

  it('on FreePBX gives the [N](+) section for pjsip.aor_custom_post.conf, keeping the GUI\'s max_contacts', () => {
    const advice = adviceFor(recordedAor('phone3'), ['phone3'], at('20.20.1', true));
    expect(advice.freepbxConf).toBe('; /etc/asterisk/pjsip.aor_custom_post.conf\n[phone3](+)\nremove_existing=yes\nremove_unavailable=yes');
    expect(adviceFor(recordedAor('phone3'), ['phone3'], at('18.7.0', true)).freepbxConf).toBe('; /etc/asterisk/pjsip.aor_custom_post.conf\n[phone3](+)\nremove_existing=yes');
    expect(adviceFor(recordedAor('phone3'), ['phone3'], ASTERISK_22).freepbxConf).toBeNull();
  });

  it('suggests at least one slot for an AOR that forbids registration (max_contacts 0)', () => {
    expect(adviceFor({ ...recordedAor('phone1'), maxContacts: 0 }, ['phone1']).pjsipConf).toContain('max_contacts=1');
  });

  it('names the wizard section after the endpoint using the AOR', () => {
    expect(adviceFor({ ...recordedAor('phone1'), name: 'shared-line' }, ['desk-7']).wizardConf.split('\n')[0]).toBe('[desk-7]');
    expect(adviceFor(recordedAor('wiz1'), ['wiz1']).wizardConf.split('\n')[0]).toBe('[wiz1]');
  });
});
