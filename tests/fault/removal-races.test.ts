// Removal races (issue 5): 1,000 seeded random trials against the Sandbox PBX where the phone
// whose contact the admin removes refreshes, unregisters or re-registers (rebooted, from a new
// port), or its neighbour on the same AOR does, before, during or just after removeContact.
// Real UDP SIP from the sandbox's own SIP phone (two round trips per REGISTER on loopback): fast
// enough for 1,000 trials, and the registrar sees real packets, not calls. Every DBDel that
// reaches the AMI server is recorded with the value it deleted.
// Expected every time: a DBDel only ever names the contact the admin chose, with the URI they
// saw; the neighbour's contact survives unless it unregistered itself; every removal that got
// past its re-read has its intent and an outcome in the audit log, on disk, and one that did
// not delete anything never claims it did.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemovalError, removeContact } from '../../src-main/ami/removal';
import { PbxSession } from '../../src-main/ami/session';
import { contactId } from '../../src-main/core/contact-id';
import { startAmiServer, type AmiServer } from '../../src-main/sandbox/ami/server';
import type { AstDbView, PbxView } from '../../src-main/sandbox/ami/pbx-view';
import { parseSandboxConfig } from '../../src-main/sandbox/config/load';
import { SandboxPbx } from '../../src-main/sandbox/pbx';
import { SipPhone } from '../../src-main/sandbox/sip/phone';
import { AuditLog } from '../../src-main/services/audit-log';
import { prng } from '../support/prng';

const TRIALS = 1_000;
const ENDPOINTS = 10;
const AMI_USER = { name: 'regdesk', secret: 'race-secret' };
const RACES = ['none', 'refreshTarget', 'unregisterTarget', 'rebootTarget', 'refreshNeighbour', 'unregisterNeighbour'] as const;
const TIMINGS = ['before', 'together', 'justAfter'] as const;

function config(): ReturnType<typeof parseSandboxConfig> {
  const sections = ['[transport-udp]\ntype = transport\nprotocol = udp\nbind = 127.0.0.1:5060\n'];
  for (let i = 1; i <= ENDPOINTS; i++) {
    sections.push(`[ep${i}]\ntype = endpoint\naors = ep${i}\nauth = ep${i}\n\n[ep${i}]\ntype = auth\nauth_type = userpass\nusername = ep${i}\npassword = pw-ep${i}\n\n[ep${i}]\ntype = aor\nmax_contacts = 3\n`);
  }
  return parseSandboxConfig({ pjsip: sections.join('\n'), manager: `[${AMI_USER.name}]\nsecret = ${AMI_USER.secret}\nread = system,security\nwrite = system,reporting\n` });
}

interface Deletion {
  key: string;
  valueBefore: string | undefined;
}

describe('removeContact racing the phones', () => {
  let pbx: SandboxPbx;
  let ami: AmiServer;
  let session: PbxSession;
  let dataDir: string;
  let audit: AuditLog;
  const deletions: Deletion[] = [];

  beforeAll(async () => {
    pbx = await SandboxPbx.start({ config: config() });
    // What the AMI server's actions see: the PBX, with every AstDB delete they make recorded.
    const astdb: AstDbView = new Proxy(pbx.astdb, {
      get(target, key) {
        if (key === 'del') {
          return (family: string, k: string) => {
            deletions.push({ key: k, valueBefore: target.get(family, k) });
            return target.del(family, k);
          };
        }
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const view: PbxView = new Proxy(pbx, { get: (target, key, receiver) => (key === 'astdb' ? astdb : Reflect.get(target, key, receiver)) });
    ami = await startAmiServer({ pbx: view });
    session = PbxSession.start({ host: ami.address, port: ami.port, username: AMI_USER.name, secret: AMI_USER.secret, securityProbeMs: 60_000 });
    await session.whenLive(10_000);
    dataDir = mkdtempSync(join(tmpdir(), 'regdesk-races-'));
    audit = await AuditLog.open(join(dataDir, 'audit.jsonl'));
  });
  afterAll(async () => {
    await session.close();
    await ami.close();
    await pbx.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`never removes another contact and never loses an audit entry in ${TRIALS} trials`, async () => {
    const random = prng(5);
    const outcomes = new Map<string, number>();
    let intents = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const user = `ep${(trial % ENDPOINTS) + 1}`;
      const race = RACES[Math.floor(random() * RACES.length)]!;
      const timing = TIMINGS[Math.floor(random() * TIMINGS.length)]!;
      const open = () => SipPhone.open({ server: pbx.sipAddress, user, password: `pw-${user}` });
      const [target, neighbour] = await Promise.all([open(), open()]);
      const phones = [target, neighbour];
      try {
        for (const p of phones) expect((await p.register(3600)).status).toBe(200);
        const chosen = { id: contactId(user, target.contactUri), uri: target.contactUri };
        const neighbourId = contactId(user, neighbour.contactUri);
        const act = async (): Promise<void> => {
          switch (race) {
            case 'none':
              return;
            case 'refreshTarget':
              return void (await target.register(3600));
            case 'unregisterTarget':
              return void (await target.register(0));
            case 'rebootTarget': {
              const rebooted = await open();
              phones.push(rebooted);
              return void (await rebooted.register(3600));
            }
            case 'refreshNeighbour':
              return void (await neighbour.register(3600));
            case 'unregisterNeighbour':
              return void (await neighbour.register(0));
          }
        };
        const deletionsBefore = deletions.length;
        const entriesBefore = audit.entries().length;
        const remove = () => removeContact(session, chosen.id, chosen.uri, audit, { pbx: 'sandbox' });
        let settled: Promise<PromiseSettledResult<unknown>[]>;
        if (timing === 'before') {
          await act();
          settled = Promise.allSettled([remove()]);
        } else if (timing === 'together') {
          settled = Promise.allSettled([remove(), act()]);
        } else {
          const removal = remove();
          await new Promise((resolve) => setImmediate(resolve));
          settled = Promise.allSettled([removal, act()]);
        }
        const [removal, raced] = await settled;
        if (raced?.status === 'rejected') throw raced.reason;
        const why = `trial ${trial}: ${race} ${timing}`;

        // Only the chosen contact, with the URI the admin saw, was ever deleted over AMI.
        const deleted = deletions.slice(deletionsBefore);
        for (const d of deleted) {
          expect(d.key, why).toBe(chosen.id);
          if (d.valueBefore !== undefined) expect(JSON.parse(d.valueBefore).uri, why).toBe(chosen.uri);
        }
        if (race !== 'unregisterNeighbour') expect(pbx.astdb.get('registrar/contact', neighbourId), why).toBeDefined();

        // The audit trail: a removal that passed its re-read wrote an intent first and an outcome after.
        const entries = audit.entries().slice(entriesBefore);
        expect(entries.length, why).toBeLessThanOrEqual(1);
        const entry = entries[0];
        if (removal!.status === 'fulfilled') {
          expect(entry, why).toMatchObject({ contactId: chosen.id, uri: chosen.uri, outcome: 'done' });
          expect(deleted.some((d) => d.valueBefore !== undefined), why).toBe(true);
          expect(pbx.astdb.get('registrar/contact', chosen.id), why).toBeUndefined();
        } else {
          const error = removal!.reason as unknown;
          expect(error, why).toBeInstanceOf(RemovalError);
          const code = (error as RemovalError).code;
          outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
          if (entry) expect(entry.outcome, why).toBe('failed');
          else expect(deleted, why).toEqual([]);
        }
        if (entry) intents++;
        outcomes.set(removal!.status, (outcomes.get(removal!.status) ?? 0) + 1);
      } finally {
        await Promise.all(phones.map((p) => p.register(0).catch(() => undefined)));
        await Promise.all(phones.map((p) => p.close()));
      }
    }
    // Nothing lost on the way to the disk: the log read back holds every entry, with its outcome.
    const reread = await AuditLog.open(audit.path);
    expect(reread.entries()).toEqual(audit.entries());
    expect(reread.entries()).toHaveLength(intents);
    expect(reread.entries().every((e) => e.outcome !== 'pending')).toBe(true);
    // The races really happened: removals both succeeded and were refused.
    expect(outcomes.get('fulfilled')).toBeGreaterThan(100);
    expect(outcomes.get('gone')).toBeGreaterThan(10);
  }, 120_000);
});
