// The same scenario seen through RegDesk's bridge twice: once from the bytes a real Asterisk
// 22.10.1 sent (transcript a, replayed), once from the Sandbox PBX with sipp phones making the
// same registrations (same Contact URIs, Call-IDs and user agent). The registrar states must be
// the same but for what cannot be: when the phones registered and the UDP ports the OS gave them.
import { afterAll, describe, expect, it } from 'vitest';
import { PbxSession } from '../../../src-main/ami/session';
import type { RegistrarSnapshot } from '../../../src-main/core/types';
import { startAmiServer, type AmiServer } from '../../../src-main/sandbox/ami/server';
import { SandboxPbx } from '../../../src-main/sandbox/pbx';
import { scriptFromTranscript, startReplayServer, type ReplayServer } from '../../support/replay-server';
import { requireTool } from '../../support/require-tool';
import { recordedContactValues, scriptedAstDb } from '../../support/scripted-astdb';
import { LAB_USER_AGENT, registerPhone } from '../../support/sip-phone';
import { readTranscript } from '../../support/transcript';
import { labConfig } from '../../unit/sandbox/ami/recorded-lab';

const A = readTranscript('a_phone1_two_contacts_queries.txt');
/** The two phones of transcript a, as sipp registered them to Asterisk. */
const PHONES = [
  { contactUri: 'sip:phone1@127.0.0.1:5071;rinstance=889ca9d147fd1b35', callId: '2c5828aee91576cafbbdd2da@127.0.0.1' },
  { contactUri: 'sip:phone1@127.0.0.1:5072;rinstance=1ba27d1fc1b36695', callId: 'abd35abfb19619d26c3848a0@127.0.0.1' },
];

/** The one place that lists what legitimately differs between the two runs. */
function comparable(s: RegistrarSnapshot): RegistrarSnapshot {
  const byName = <T extends { name: string }>(xs: T[]) => [...xs].sort((x, y) => x.name.localeCompare(y.name));
  return {
    endpoints: byName(s.endpoints),
    aors: byName(s.aors),
    contacts: [...s.contacts]
      .sort((x, y) => x.id.localeCompare(y.id))
      // expirationTime: registration time + 3600; viaPort: the sipp process's UDP port.
      .map((c) => ({ ...c, expirationTime: 0, viaPort: 0 })),
    // CoreSettings: transcript a recorded 22.10.1's; the sandbox passes for it by default.
    asteriskVersion: s.asteriskVersion ?? null,
  };
}

async function liveSnapshot(port: number, username: string, secret: string): Promise<RegistrarSnapshot> {
  const session = PbxSession.start({ host: '127.0.0.1', port, username, secret });
  try {
    await session.whenLive(10_000);
    // Let the ContactStatus events recorded after login be completed (DBGet) before reading.
    await session.dialString('phone1');
    return session.state()!.snapshot();
  } finally {
    await session.close();
  }
}

describe.runIf(requireTool('sipp', 'sip-tester'))('the bridge on the sandbox and on real Asterisk bytes', () => {
  let replay: ReplayServer | null = null;
  let pbx: SandboxPbx | null = null;
  let ami: AmiServer | null = null;
  afterAll(async () => {
    await replay?.close();
    await ami?.close();
    await pbx?.close();
  });

  it('yields the same registrar state for transcript a (phone1 from two phones)', async () => {
    replay = await startReplayServer({ script: scriptFromTranscript(A, 'S1'), handlers: scriptedAstDb(recordedContactValues(A, 'S1')).handlers });
    const fromAsterisk = await liveSnapshot(replay.port, 'lab', 'labsecret');

    pbx = await SandboxPbx.start({ config: labConfig(), sipPort: 0 });
    ami = await startAmiServer({ pbx, port: 0 });
    for (const phone of PHONES) {
      const r = await registerPhone({ server: pbx.sipAddress, user: 'phone1', password: 'pw-phone1', expires: 3600, userAgent: LAB_USER_AGENT, ...phone });
      expect(r.status).toBe(200);
    }
    const fromSandbox = await liveSnapshot(ami.port, 'lab', 'labsecret');

    expect(fromAsterisk.contacts).toHaveLength(2);
    expect(fromAsterisk.asteriskVersion).toBe('22.10.1');
    expect(comparable(fromSandbox)).toEqual(comparable(fromAsterisk));
  });
});
