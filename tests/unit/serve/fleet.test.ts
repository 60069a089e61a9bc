// What a config reload does to the fleet, decided by name and connection (no PBX needs to answer:
// the sessions aim at a closed loopback port and are closed again).
import { afterEach, describe, expect, it } from 'vitest';
import type { PbxConfig } from '../../../src-main/serve/config';
import { Fleet, type PbxTarget } from '../../../src-main/serve/fleet';
import { freeTcpPort } from '../../support/serve-process';

const fleets: Fleet[] = [];
afterEach(async () => {
  await Promise.all(fleets.splice(0).map((f) => f.close()));
});

function target(name: string, port: number, secret = 's', extra: Partial<PbxConfig> = {}): PbxTarget {
  return { config: { name, host: '127.0.0.1', port, user: 'regdesk', secret: { kind: 'env', name: 'X' }, tls: null, line: 1, ...extra }, secret };
}

describe('a reload of the fleet', () => {
  it('adds, removes and reconnects by name; a changed secret, port or TLS reconnects; a moved line does not', async () => {
    const port = await freeTcpPort();
    const fleet = new Fleet();
    fleets.push(fleet);
    expect(await fleet.apply([target('a', port), target('b', port)])).toEqual({ added: ['a', 'b'], removed: [], reconnected: [], unchanged: [] });
    const [, aWatch] = fleet.watches().find(([n]) => n === 'a')!;
    expect(await fleet.apply([target('a', port, 's', { line: 9 }), target('b', port, 'new-secret'), target('c', port)])).toEqual({ added: ['c'], removed: [], reconnected: ['b'], unchanged: ['a'] });
    // Unchanged means the very same watch (session, counters) goes on.
    expect(fleet.watches().find(([n]) => n === 'a')![1]).toBe(aWatch);
    expect(await fleet.apply([target('b', port, 'new-secret', { tls: { pinnedFingerprint: null } }), target('c', port + 1)])).toEqual({ added: [], removed: ['a'], reconnected: ['b', 'c'], unchanged: [] });
    expect(fleet.watches().map(([n]) => n).sort()).toEqual(['b', 'c']);
    expect(fleet.notYetLive().sort()).toEqual(['b', 'c']);
  });

  it('refuses a secret holding CR or LF before any connection', async () => {
    const fleet = new Fleet();
    fleets.push(fleet);
    await expect(fleet.apply([target('a', 1, 'se\r\ncret')])).rejects.toThrow(/secret of PBX a/);
  });
});
