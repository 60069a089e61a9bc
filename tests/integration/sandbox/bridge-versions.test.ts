// The bridge over the version matrix. For 20.20.1 and 23.4.1: the same registrations seen once
// from the bytes real Asterisk sent (replayed) and once from the Sandbox PBX passing for that
// branch with sipp phones (same URIs, Call-IDs, user agent): the same state, the same version.
// For every branch: the bridge reads the sandbox's state, its version, and removes and restores
// a contact with the stored value written back byte for byte (no qualify_2xx_only key on 18).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readStoredContact } from '../../../src-main/ami/astdb';
import { removeContact, restoreContact } from '../../../src-main/ami/removal';
import { PbxSession } from '../../../src-main/ami/session';
import type { PbxFacts, RegistrarSnapshot } from '../../../src-main/core/types';
import { SANDBOX_ASTERISK_BRANCHES, sandboxAsterisk, type SandboxAsteriskBranch } from '../../../src-main/sandbox/asterisk-versions';
import { startAmiServer, type AmiServer } from '../../../src-main/sandbox/ami/server';
import { SandboxPbx } from '../../../src-main/sandbox/pbx';
import { AuditLog } from '../../../src-main/services/audit-log';
import { RECORDED_VERSIONS, recordedVersionBytes, recordedVersionMessages, type RecordedAnswer, type RecordedVersion } from '../../support/recorded-versions';
import { actionKey, exchangesOf, readBlocks, scriptFromTranscript, startReplayServer, type RecordedExchange, type ReplayServer } from '../../support/replay-server';
import { requireTool } from '../../support/require-tool';
import { LAB_USER_AGENT, registerPhone } from '../../support/sip-phone';
import { readTranscript } from '../../support/transcript';
import { labConfig } from '../../unit/sandbox/ami/recorded-lab';

const LAB = { host: '127.0.0.1', username: 'lab', secret: 'labsecret' };
/** Login and the endpoint list are the same lab's in every recording: borrowed from 22.10.1's transcript a. */
const BORROWED = exchangesOf(scriptFromTranscript(readTranscript('a_phone1_two_contacts_queries.txt'), 'S1'), ['Login', 'PJSIPShowEndpoints']);

/** One recorded answer as a replay exchange (recorded with ActionID S-2). */
function recordedExchange(version: RecordedVersion, answer: Exclude<RecordedAnswer, 'banner'>): RecordedExchange {
  const bytes = recordedVersionBytes(version, answer);
  const [action] = readBlocks(Buffer.from(`Action: ${answer}\r\n\r\n`));
  return { action: answer, key: actionKey(action!), recordedActionId: 'S-2', reply: [bytes], after: [] };
}

/** What legitimately differs: when the phones registered and the ports the OS gave sipp. */
function comparable(s: RegistrarSnapshot): RegistrarSnapshot {
  const byName = <T extends { name: string }>(xs: T[]) => [...xs].sort((x, y) => x.name.localeCompare(y.name));
  return {
    endpoints: byName(s.endpoints),
    aors: byName(s.aors),
    contacts: [...s.contacts].sort((x, y) => x.id.localeCompare(y.id)).map((c) => ({ ...c, expirationTime: 0, viaPort: 0 })),
    asteriskVersion: s.asteriskVersion ?? null,
  };
}

async function live(port: number): Promise<PbxSession> {
  const session = PbxSession.start({ ...LAB, port, retry: false });
  await session.whenLive(10_000);
  return session;
}

async function bridgeView(port: number): Promise<{ snapshot: RegistrarSnapshot; facts: PbxFacts }> {
  const session = await live(port);
  try {
    return { snapshot: session.state()!.snapshot(), facts: session.state()!.facts() };
  } finally {
    await session.close();
  }
}

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

async function sandboxAs(branch: SandboxAsteriskBranch): Promise<{ pbx: SandboxPbx; ami: AmiServer }> {
  const pbx = await SandboxPbx.start({ config: labConfig(), asterisk: sandboxAsterisk(branch), sipPort: 0 });
  const ami = await startAmiServer({ pbx, port: 0 });
  closers.push(() => pbx.close(), () => ami.close());
  return { pbx, ami };
}

describe.runIf(requireTool('sipp', 'sip-tester'))('the bridge over Asterisk versions', () => {
  it.each(RECORDED_VERSIONS)('yields the same state and version from real Asterisk %s bytes and from the sandbox passing for it', async (version) => {
    const script = {
      banner: recordedVersionBytes(version, 'banner'),
      exchanges: [...BORROWED, ...(['CoreSettings', 'PJSIPShowAors', 'PJSIPShowContacts'] as const).map((a) => recordedExchange(version, a))],
    };
    const replay: ReplayServer = await startReplayServer({ script });
    closers.push(() => replay.close());
    const fromAsterisk = await bridgeView(replay.port);

    const { pbx, ami } = await sandboxAs(version.split('.')[0] as SandboxAsteriskBranch);
    const recorded = recordedVersionMessages(version, 'PJSIPShowContacts').filter((m) => m.event === 'ContactList');
    for (const m of recorded) {
      const r = await registerPhone({ server: pbx.sipAddress, user: 'phone1', password: 'pw-phone1', expires: 3600, userAgent: LAB_USER_AGENT, contactUri: m.get('Uri')!, callId: m.get('CallId')! });
      expect(r.status).toBe(200);
    }
    const fromSandbox = await bridgeView(ami.port);

    expect(fromAsterisk.snapshot.contacts).toHaveLength(2);
    expect(fromAsterisk.facts).toEqual({ asteriskVersion: version, versionSupport: 'supported', freepbx: false });
    expect(comparable(fromSandbox.snapshot)).toEqual(comparable(fromAsterisk.snapshot));
    expect(fromSandbox.facts).toEqual(fromAsterisk.facts);
  });

  it.each(SANDBOX_ASTERISK_BRANCHES)('on the sandbox as %s: reads the version, removes a contact and restores its stored value byte for byte', async (branch) => {
    const { pbx, ami } = await sandboxAs(branch);
    const phone = await registerPhone({ server: pbx.sipAddress, user: 'phone1', password: 'pw-phone1', expires: 3600, userAgent: LAB_USER_AGENT });
    expect(phone.status).toBe(200);
    const dir = await mkdtemp(join(tmpdir(), 'regdesk-versions-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const audit = await AuditLog.open(join(dir, 'audit.jsonl'));
    const session = await live(ami.port);
    closers.push(() => session.close());

    expect(session.state()!.facts()).toEqual({ asteriskVersion: sandboxAsterisk(branch).asteriskVersion, versionSupport: 'supported', freepbx: false });
    const [contact] = session.state()!.contactsOfAor('phone1');
    expect(contact?.uri).toBe(phone.contactUri);
    const before = (await readStoredContact(session.liveConnection(), contact!.id))!.value;
    expect(before.includes('"qualify_2xx_only"'), 'qualify_2xx_only stored').toBe(branch !== '18');

    const removed = await removeContact(session, contact!.id, contact!.uri, audit);
    expect(removed.aorContacts).toEqual([]);
    expect(audit.entry(removed.auditId)?.storedValue).toBe(before);
    await restoreContact(session, removed.auditId, audit);
    expect((await readStoredContact(session.liveConnection(), contact!.id))?.value).toBe(before);
    expect(session.state()!.contactsOfAor('phone1').map((c) => c.id)).toEqual([contact!.id]);
  });
});
