import { describe, expect, it } from 'vitest';
import { refusalNotification } from '../../../src-main/app/refusal-notification';
import type { RefusalAlert } from '../../../src-main/services/api';

const alert: RefusalAlert = {
  pbxId: 'p1',
  pbxName: 'Tokyo PBX',
  endpoint: 'phone1',
  aor: 'phone1',
  source: { family: 'IPV4', transport: 'UDP', addr: '192.0.2.44', port: 5062 },
  maxContacts: 2,
  count: 1,
  staleCandidate: 'phone1;@0ca336795b4b748e1af6a94a41d43e4d',
  at: 0,
};

describe('the native notification for a refused phone', () => {
  it('names the PBX, endpoint, source and limit in English', () => {
    const n = refusalNotification(alert, 'en', 'linux');
    expect(n.title).toBe('Phone refused on Tokyo PBX');
    expect(n.body).toBe('phone1 from 192.0.2.44:5062 was refused: max_contacts 2 reached.');
    expect(refusalNotification({ ...alert, count: 4 }, 'en', 'linux').body).toBe('phone1 from 192.0.2.44:5062 was refused 4 times: max_contacts 2 reached.');
  });

  it('speaks Japanese with full-width punctuation, and says what it does not know', () => {
    const n = refusalNotification({ ...alert, source: null, maxContacts: null }, 'ja', 'win32');
    expect(n.title).toBe('Tokyo PBX で電話機の登録が拒否されました');
    expect(n.body).toBe('不明なアドレス からの phone1 が拒否されました：max_contacts ? に到達。');
    expect(n.actions).toEqual([{ type: 'button', text: '表示' }]);
  });

  it('has a "Show" button on macOS and Windows, none on Linux', () => {
    expect(refusalNotification(alert, 'en', 'darwin').actions).toEqual([{ type: 'button', text: 'Show' }]);
    expect(refusalNotification(alert, 'en', 'win32').actions).toEqual([{ type: 'button', text: 'Show' }]);
    expect(refusalNotification(alert, 'en', 'linux').actions).toEqual([]);
  });

  it('carries one tag per endpoint, so a repeated refusal replaces its notification, grouped per PBX', () => {
    const first = refusalNotification(alert, 'en', 'win32');
    const again = refusalNotification({ ...alert, count: 3, source: { family: 'IPV4', transport: 'UDP', addr: '192.0.2.45', port: 5060 } }, 'ja', 'win32');
    const otherEndpoint = refusalNotification({ ...alert, endpoint: 'phone2' }, 'en', 'win32');
    const otherPbx = refusalNotification({ ...alert, pbxId: 'p2' }, 'en', 'win32');
    expect(again.id).toBe(first.id);
    expect(otherEndpoint.id).not.toBe(first.id);
    expect(otherPbx.id).not.toBe(first.id);
    expect(otherEndpoint.groupId).toBe(first.groupId);
    expect(otherPbx.groupId).not.toBe(first.groupId);
    // Endpoint names are free text: the tags stay short and plain whatever they hold.
    const odd = refusalNotification({ ...alert, endpoint: 'a'.repeat(300) + ' ü/;' }, 'en', 'win32');
    for (const id of [first.id, first.groupId, odd.id]) expect(id).toMatch(/^[rp]-[0-9a-f]{14}$/);
  });
});
