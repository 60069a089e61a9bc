// Whether the AMI user can see refusals at all: FailedACL is a security-class event, and a
// user without `security` in its read classes never receives one (FACTS). Checked against the
// Sandbox PBX's AMI server with the lab's users from the bundled manager.conf.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PbxSession } from '../../../src-main/ami/session';
import { startSandboxHost, type SandboxHost } from '../../../src-main/services/sandbox-host';

describe('security-event probe', () => {
  let sandbox: SandboxHost;
  beforeAll(async () => {
    sandbox = await startSandboxHost();
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  async function probe(username: string, secret: string): Promise<boolean | null> {
    const session = PbxSession.start({ host: sandbox.login.host, port: sandbox.login.port, username, secret, securityProbeMs: 400 });
    try {
      await session.whenLive(5_000);
      await new Promise<void>((resolve) => {
        if (session.status().readsSecurityEvents !== null) return resolve();
        const off = session.onStatus((s) => s.readsSecurityEvents !== null && (off(), resolve()));
      });
      return session.status().readsSecurityEvents;
    } finally {
      await session.close();
    }
  }

  it('says yes for a user reading security (its own login SuccessfulAuth arrives)', async () => {
    expect(await probe('regdesk', 'regdesk-sandbox')).toBe(true);
  });

  it('says no for a user reading every class but security', async () => {
    expect(await probe('labnosec', 'labnosec-secret')).toBe(false);
  });
});
