// The main-process services end to end on plain Node: the built-in Sandbox PBX, real sipp
// phones registering over UDP, the real AMI bridge, removal and undo through the audit log.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointRow } from '../../../src-main/core/types';
import type { RefusalAlert, RegDeskServices, SecretStore } from '../../../src-main/services/api';
import { createServices, SANDBOX_PBX_ID } from '../../../src-main/services/create';
import { registerPhone } from '../../support/sip-phone';
import { requireTool } from '../../support/require-tool';

const memoryKeystore: SecretStore = {
  isAvailable: () => true,
  encrypt: (plain) => Buffer.from(plain, 'utf8').reverse(),
  decrypt: (sealed) => Buffer.from(sealed).reverse().toString('utf8'),
};

function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const value = probe();
      if (value) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe.runIf(requireTool('sipp', 'sip-tester'))('services on the Sandbox PBX with real phones', () => {
  let dataDir: string;
  let services: RegDeskServices;
  let sipServer: { address: string; port: number };
  const rows = new Map<string, EndpointRow>();
  const alerts: RefusalAlert[] = [];
  const badges: number[] = [];
  const pbxStates = new Map<string, string>();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'regdesk-services-'));
    services = await createServices({ dataDir, secrets: memoryKeystore, sandbox: {} });
    services.on('endpointRows', (d) => d.upserted.forEach((r) => rows.set(r.endpoint, r)));
    services.on('refusalAlert', (a) => alerts.push(a));
    services.on('pbxChanged', (p) => {
      pbxStates.set(p.id, p.state);
      if (p.id === SANDBOX_PBX_ID) badges.push(p.warnings);
    });
    await until('the sandbox to be live', () => rows.size > 0);
    const sandbox = (await services.listPbxs()).find((p) => p.id === SANDBOX_PBX_ID)!;
    expect(sandbox.state).toBe('live');
    sipServer = sandbox.sipAddress!;
    expect(sipServer.port).toBeGreaterThan(0);
  });

  afterAll(async () => {
    await services?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const phone1 = (extra: { localPort?: number } = {}) =>
    registerPhone({ server: sipServer, user: 'phone1', password: 'pw-phone1', expires: 3600, ...extra });

  it('shows phone1 at 2/2, alerts on the refused third phone, removes the stuck contact and undoes it', async () => {
    expect((await phone1()).status).toBe(200);
    expect((await phone1()).status).toBe(200);
    const full = await until('phone1 at 2/2', () => (rows.get('phone1')?.contacts === 2 ? rows.get('phone1') : null));
    expect(full).toMatchObject({ contacts: 2, maxContacts: 2, atLimit: true });
    // The sidebar badge counts the endpoint needing attention, pushed as a PBX change.
    await until('the sandbox badge', () => badges.at(-1)! >= 1);
    expect((await services.listPbxs()).find((p) => p.id === SANDBOX_PBX_ID)!.warnings).toBe(badges.at(-1));

    const refused = await phone1();
    expect(refused.status).toBe(403);
    const alert = await until('a refusal alert', () => alerts[0]);
    expect(alert).toMatchObject({ pbxId: SANDBOX_PBX_ID, endpoint: 'phone1', aor: 'phone1', maxContacts: 2, count: 1 });
    expect(alert.source).toMatchObject({ addr: '127.0.0.1', port: refused.localPort });
    expect(alert.staleCandidate).toMatch(/^phone1;@[0-9a-f]{32}$/);

    const detail = await services.getEndpoint(SANDBOX_PBX_ID, 'phone1');
    const victim = detail.aors[0]!.contacts.find((c) => c.id === alert.staleCandidate)!;
    const { auditId } = await services.removeContact(SANDBOX_PBX_ID, victim.id, victim.uri);
    await until('phone1 at 1/2', () => rows.get('phone1')?.contacts === 1);
    // The audit log on disk holds the removed contact's full stored value, for Undo.
    expect(readFileSync(join(dataDir, 'audit.jsonl'), 'utf8')).toContain(victim.id);

    const retried = await phone1({ localPort: refused.localPort });
    expect(retried.status).toBe(200);
    await until('phone1 back at 2/2', () => rows.get('phone1')?.contacts === 2);

    // Undo while the AOR is full again is refused by nothing in the AstDB: the old key is free.
    await services.restoreContact(SANDBOX_PBX_ID, auditId);
    const after = await services.getEndpoint(SANDBOX_PBX_ID, 'phone1');
    expect(after.aors[0]!.contacts.map((c) => c.id)).toContain(victim.id);
    expect(after.history.map((h) => h.kind)).toEqual(expect.arrayContaining(['registered', 'refused', 'removedByAdmin', 'restoredByAdmin']));

    // The PBX's history: newest first, each entry with the endpoint's figures right after it.
    const history = await services.getHistory(SANDBOX_PBX_ID, { endpoint: 'phone1', since: null, limit: null });
    expect(history.map((h) => [h.kind, h.contacts, h.maxContacts])).toEqual([
      ['restoredByAdmin', 3, 2],
      // The restored contact comes back into the state as Asterisk reports it, like any contact.
      ['registered', 3, 2],
      ['registered', 2, 2],
      ['removedByAdmin', 1, 2],
      ['refused', 2, 2],
      ['registered', 2, 2],
      ['registered', 1, 2],
    ]);
    expect(history.filter((h) => h.auditId).map((h) => [h.kind, h.auditId])).toEqual([['restoredByAdmin', expect.any(String)], ['removedByAdmin', auditId]]);
    expect(await services.getHistory(SANDBOX_PBX_ID, { endpoint: null, since: history[1]!.at, limit: 1 })).toEqual([history[0]]);
  });

  it('refuses to remove a contact whose URI is not the one the admin saw', async () => {
    const detail = await services.getEndpoint(SANDBOX_PBX_ID, 'phone1');
    const c = detail.aors[0]!.contacts[0]!;
    await expect(services.removeContact(SANDBOX_PBX_ID, c.id, c.uri + ';x=1')).rejects.toMatchObject({ code: 'contactChanged' });
    await expect(services.removeContact(SANDBOX_PBX_ID, 'phone1;@00000000000000000000000000000000', 'sip:x@y')).rejects.toMatchObject({ code: 'contactGone' });
  });

  it('keeps a PBX connected when an edit of its profile is refused', async () => {
    const sandbox = (await services.listPbxs()).find((p) => p.id === SANDBOX_PBX_ID)!;
    const profile = { name: 'Lab', host: sandbox.host, port: sandbox.port, username: 'regdesk', tls: false };
    const added = await services.addPbx(profile, 'regdesk-sandbox');
    await until('the profile PBX to be live', () => pbxStates.get(added.id) === 'live');
    await expect(services.updatePbx(added.id, { ...profile, port: 0 }, null)).rejects.toMatchObject({ code: 'invalidArgument' });
    expect((await services.listPbxs()).find((p) => p.id === added.id)).toMatchObject({ state: 'live', port: sandbox.port });
    await services.removePbx(added.id);
  });

  it('gives the computed dial string and Asterisk-compatible one with the same targets', async () => {
    const { computed, asterisk } = await services.dialStrings(SANDBOX_PBX_ID, 'phone1');
    expect(computed.split('&').sort()).toEqual((asterisk ?? '').split('&').sort());
    expect(computed).toMatch(/^PJSIP\/phone1\/sip:phone1@127\.0\.0\.1:\d+/);
  });
});
