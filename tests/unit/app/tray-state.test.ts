import { describe, expect, it } from 'vitest';
import { totalWarnings, trayState } from '../../../src-main/app/tray-state';
import type { PbxSummary } from '../../../src-main/services/api';

function pbx(overrides: Partial<PbxSummary>): PbxSummary {
  return {
    id: 'p',
    name: 'PBX',
    kind: 'asterisk',
    host: '127.0.0.1',
    port: 5038,
    username: 'regdesk',
    tls: false,
    state: 'live',
    error: null,
    warnings: 0,
    readsSecurityEvents: true,
    ...overrides,
  };
}

describe('tray icon state', () => {
  it('is ok when every PBX is live without warnings', () => {
    expect(trayState([pbx({}), pbx({ id: 'q' })])).toBe('ok');
  });

  it('is warning as soon as one PBX has a warning, even if another is down', () => {
    expect(trayState([pbx({ warnings: 2 }), pbx({ id: 'q', state: 'failed' })])).toBe('warning');
    expect(totalWarnings([pbx({ warnings: 2 }), pbx({ id: 'q', warnings: 1 })])).toBe(3);
  });

  it('is disconnected when a PBX is not live, or there is none', () => {
    expect(trayState([pbx({}), pbx({ id: 'q', state: 'connecting' })])).toBe('disconnected');
    expect(trayState([])).toBe('disconnected');
  });
});
