// Injection (issue 5): CR, LF or NUL in any value that reaches an AMI header is refused with an
// error naming the field, and never reaches the wire: checked for every field of every action
// RegDesk sends, and through each path a value takes to a header (login, removal, undo from the
// audit log, the dial string, the services' operations), against a server that records every
// byte it received.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditRecord, AuditTrail } from '../../src-main/ami/audit-trail';
import { AmiConnection } from '../../src-main/ami/connection';
import { AmiError, AmiHeaderInjectionError } from '../../src-main/ami/errors';
import { removeContact, restoreContact } from '../../src-main/ami/removal';
import { PbxSession } from '../../src-main/ami/session';
import { serializeAction, type AmiAction } from '../../src-main/ami/writer';
import { ServiceFailure, type RegDeskServices } from '../../src-main/services/api';
import { createServices } from '../../src-main/services/create';
import { startRecordingAmi, type RecordingAmi } from './support/recording-ami';

const SECRET = 'injection-secret';
const BAD = { CR: '\r', LF: '\n', NUL: '\0', CRLF: '\r\n' } as const;
/** Each bad character at the start, in the middle (forging a header) and at the end. */
const poisoned = (value: string): Array<[string, string]> =>
  Object.entries(BAD).flatMap(([name, c]) => [
    [`${name} first`, `${c}${value}`],
    [`${name} forging a header`, `${value}${c}Action: DBDelTree${c}Family: registrar`],
    [`${name} last`, `${value}${c}`],
  ]);

/** Every action RegDesk sends, with every field filled. */
const ACTIONS: AmiAction[] = [
  { Action: 'Login', Username: 'regdesk', Secret: 's', Events: 'on' },
  { Action: 'Events', EventMask: 'system,security' },
  { Action: 'PJSIPShowEndpoint', Endpoint: 'phone1' },
  { Action: 'DBGet', Family: 'registrar/contact', Key: 'phone1;@0ca3' },
  { Action: 'DBGetTree', Family: 'registrar/contact', Key: 'phone1' },
  { Action: 'DBPut', Family: 'registrar/contact', Key: 'phone1;@0ca3', Val: '{"uri":"sip:phone1@127.0.0.1"}' },
  { Action: 'DBDel', Family: 'registrar/contact', Key: 'phone1;@0ca3' },
  { Action: 'Getvar', Variable: 'PJSIP_DIAL_CONTACTS(phone1)', Channel: 'PJSIP/phone1-00000001' },
  { Action: 'Command', Command: 'pjsip show contacts' },
];

const NO_BAD_BYTES = /[\r\n\0]Action: DBDelTree|\0|[^\r]\n|\r[^\n]/;

describe('CR, LF and NUL in values bound for AMI headers', () => {
  for (const action of ACTIONS) {
    for (const field of Object.keys(action)) {
      it(`refuses them in ${action.Action}'s ${field}, naming the field`, () => {
        for (const [how, value] of poisoned(String((action as Record<string, string>)[field]))) {
          let error: unknown;
          try {
            serializeAction({ ...action, [field]: value } as AmiAction, 'RD-1');
          } catch (e) {
            error = e;
          }
          expect(error, how).toBeInstanceOf(AmiHeaderInjectionError);
          expect((error as AmiHeaderInjectionError).code).toBe('headerInjection');
          expect((error as Error).message).toContain(JSON.stringify(field));
        }
      });
    }
  }

  it('refuses them in the ActionID too', () => {
    expect(() => serializeAction({ Action: 'Ping' }, 'RD-1\r\nAction: DBDelTree')).toThrow(AmiHeaderInjectionError);
  });

  describe('on the way to a live PBX', () => {
    let ami: RecordingAmi;
    let session: PbxSession;
    beforeAll(async () => {
      ami = await startRecordingAmi(SECRET);
      session = PbxSession.start({ host: '127.0.0.1', port: ami.port, username: 'regdesk', secret: SECRET, securityProbeMs: 60_000 });
      await session.whenLive(10_000);
    });
    afterAll(async () => {
      await session.close();
      await ami.close();
    });

    it('refuses a login whose username or secret carries them, before sending anything', async () => {
      for (const [how, value] of [...poisoned('regdesk').map(([h, v]) => [h, { username: v, secret: SECRET }] as const), ...poisoned(SECRET).map(([h, v]) => [h, { username: 'regdesk', secret: v }] as const)]) {
        const attempt = AmiConnection.connect({ host: '127.0.0.1', port: ami.port, loginTimeoutMs: 5_000, ...value });
        await expect(attempt, how).rejects.toBeInstanceOf(AmiHeaderInjectionError);
      }
      expect(ami.received().toString('latin1')).not.toMatch(NO_BAD_BYTES);
    });

    it('refuses a removal of a contact id that carries them: no audit entry, nothing sent', async () => {
      const audit = memoryAudit();
      for (const [how, id] of poisoned('phone1;@0ca336795b4b748e1af6a94a41d43e4d')) {
        await expect(removeContact(session, id, 'sip:phone1@127.0.0.1:5071', audit), how).rejects.toMatchObject({ code: 'headerInjection' });
      }
      expect(audit.records).toEqual([]);
      expect(ami.received().toString('latin1')).not.toMatch(NO_BAD_BYTES);
    });

    it('refuses an undo whose stored value in the audit log was tampered with', async () => {
      for (const [how, value] of poisoned('{"uri":"sip:phone1@127.0.0.1:5071"}')) {
        const audit = memoryAudit([{ type: 'intent', id: 'r1', at: 1, action: 'removeContact', pbx: 'p', contactId: 'phone1;@0ca3', aor: 'phone1', endpoint: 'phone1', uri: 'sip:phone1@127.0.0.1:5071', storedValue: value }, { type: 'outcome', id: 'r1', at: 2, outcome: 'done' }]);
        await expect(restoreContact(session, 'r1', audit), how).rejects.toMatchObject({ code: 'headerInjection' });
      }
      expect(ami.received().toString('latin1')).not.toMatch(NO_BAD_BYTES);
    });

    it('refuses a dial-string request for an endpoint name that carries them', async () => {
      for (const [how, name] of poisoned('phone1')) {
        await expect(session.dialString(name), how).rejects.toBeInstanceOf(AmiError);
      }
      expect(ami.received().toString('latin1')).not.toMatch(NO_BAD_BYTES);
    });
  });

  describe("through the services' operations", () => {
    let ami: RecordingAmi;
    let services: RegDeskServices;
    let dataDir: string;
    let pbxId: string;
    beforeAll(async () => {
      ami = await startRecordingAmi(SECRET);
      dataDir = mkdtempSync(join(tmpdir(), 'regdesk-injection-'));
      services = await createServices({ dataDir, secrets: { isAvailable: () => false, encrypt: () => Buffer.alloc(0), decrypt: () => '' }, sandbox: false });
      pbxId = (await services.addPbx({ name: 'pbx', host: '127.0.0.1', port: ami.port, username: 'regdesk', tls: false }, SECRET)).id;
      const deadline = Date.now() + 10_000;
      while ((await services.listPbxs())[0]?.state !== 'live') {
        if (Date.now() > deadline) throw new Error('the PBX did not get live');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    afterAll(async () => {
      await services.close();
      await ami.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const invalid = async (call: Promise<unknown>, how: string) => {
      const error = await call.then(() => null, (e: unknown) => e);
      expect(error, how).toBeInstanceOf(ServiceFailure);
      expect((error as ServiceFailure).code, how).toBe('invalidArgument');
    };

    it('refuses removeContact and dialStrings arguments that carry them', async () => {
      for (const [how, value] of poisoned('phone1')) {
        await invalid(services.removeContact(pbxId, `${value};@0ca3`, 'sip:phone1@127.0.0.1'), `contact id, ${how}`);
        await invalid(services.dialStrings(pbxId, value), `endpoint, ${how}`);
      }
      expect(ami.received().toString('latin1')).not.toMatch(NO_BAD_BYTES);
    });
    it('refuses a PBX profile whose username or secret carries them', async () => {
      for (const [how, value] of poisoned('regdesk')) {
        await invalid(services.addPbx({ name: 'x', host: '127.0.0.1', port: ami.port, username: value, tls: false }, SECRET), `username, ${how}`);
        await invalid(services.addPbx({ name: 'x', host: '127.0.0.1', port: ami.port, username: 'regdesk', tls: false }, value), `secret, ${how}`);
        await invalid(services.updatePbx(pbxId, { name: 'pbx', host: '127.0.0.1', port: ami.port, username: 'regdesk', tls: false }, value), `new secret, ${how}`);
      }
      expect((await services.listPbxs()).map((p) => p.id)).toEqual([pbxId]);
      // (A refused updatePbx leaves the PBX disconnected: it disconnects before validating.)
      await services.connectPbx(pbxId);
    });

  });
});

function memoryAudit(initial: AuditRecord[] = []): AuditTrail & { records: AuditRecord[] } {
  const records: AuditRecord[] = [];
  const entries = new Map<string, AuditEntry>();
  const fold = (r: AuditRecord) => {
    if (r.type === 'intent') {
      const { type: _type, ...intent } = r;
      entries.set(r.id, { ...intent, outcome: 'pending', outcomeAt: null, error: null });
    } else {
      const e = entries.get(r.id);
      if (e) entries.set(r.id, { ...e, outcome: r.outcome, outcomeAt: r.at, error: r.error ?? null });
    }
  };
  initial.forEach(fold);
  return {
    records,
    async append(r) {
      records.push(r);
      fold(r);
    },
    entry: (id) => entries.get(id),
    entries: () => [...entries.values()],
  };
}
