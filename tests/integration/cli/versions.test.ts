// `regdesk status` names the Asterisk version (CoreSettings) in its header and in --json, and
// warns, still going on, when the version is below 18 or not one it recognises.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandboxHost, type SandboxHost } from '../../../src-main/services/sandbox-host';
import { scriptFromTranscript, startReplayServer, type ReplayServer } from '../../support/replay-server';
import { runCli as cli } from '../../support/run-cli';
import { readTranscript } from '../../support/transcript';

const A = scriptFromTranscript(readTranscript('a_phone1_two_contacts_queries.txt'), 'S1');
let sandbox: SandboxHost | null = null;
let replay: ReplayServer | null = null;
afterEach(async () => {
  await sandbox?.close();
  await replay?.close();
  sandbox = replay = null;
});

/** Transcript a replayed, its CoreSettings answered with `version` (null: refused, as for a user without system/reporting write). */
async function replayWithVersion(version: string | null): Promise<Record<string, string>> {
  replay = await startReplayServer({
    script: A,
    handlers: {
      CoreSettings: (req, conn) =>
        conn.write(
          version === null
            ? `Response: Error\r\nActionID: ${req.actionId ?? ''}\r\nMessage: Permission denied\r\n\r\n`
            : `Response: Success\r\nActionID: ${req.actionId ?? ''}\r\nAMIversion: 5.0.3\r\nAsteriskVersion: ${version}\r\n\r\n`,
        ),
    },
  });
  return { REGDESK_AMI_HOST: '127.0.0.1', REGDESK_AMI_PORT: String(replay.port), REGDESK_AMI_USER: 'lab', REGDESK_AMI_SECRET: 'labsecret' };
}

describe('regdesk status and the Asterisk version', () => {
  it('names 18.26.4 for the sandbox passing for Asterisk 18, with no warning', async () => {
    sandbox = await startSandboxHost({ asteriskVersion: '18' });
    const env = { REGDESK_AMI_HOST: sandbox.login.host, REGDESK_AMI_PORT: String(sandbox.login.port), REGDESK_AMI_USER: sandbox.login.username, REGDESK_AMI_SECRET: sandbox.login.secret };
    const text = await cli(['status'], env);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^127\.0\.0\.1:\d+: Asterisk 18\.26\.4$/);
    expect(text.stdout).not.toContain('WARNING');
    const json = JSON.parse((await cli(['status', '--json'], env)).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ asteriskVersion: '18.26.4', versionSupport: 'supported', freepbx: false });
    expect(json).not.toHaveProperty('warning');
  });

  it('warns about Asterisk 16 and still lists the endpoints', async () => {
    const env = await replayWithVersion('16.30.1');
    const r = await cli(['status'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^127\.0\.0\.1:\d+: Asterisk 16\.30\.1\nWARNING: Asterisk 16\.30\.1 is older than 18/);
    expect(r.stdout).toMatch(/^phone1 {2}2\/2/m);
    const json = JSON.parse((await cli(['status', '--json'], env)).stdout) as { versionSupport: string; warning: string; endpoints: unknown[] };
    expect(json.versionSupport).toBe('old');
    expect(json.warning).toMatch(/older than 18/);
    expect(json.endpoints.length).toBeGreaterThan(0);
  });

  it('warns when the version cannot be read or is not recognised, and still lists the endpoints', async () => {
    const refused = await cli(['status', '--json'], await replayWithVersion(null));
    expect(JSON.parse(refused.stdout)).toMatchObject({ asteriskVersion: null, versionSupport: 'unrecognised', warning: expect.stringMatching(/did not tell the Asterisk version/) });
    await replay?.close();
    const odd = await cli(['status'], await replayWithVersion('GIT-master-0123abc'));
    expect(odd.code).toBe(0);
    expect(odd.stdout).toMatch(/^WARNING: Asterisk version "GIT-master-0123abc" is not one RegDesk recognises/m);
    expect(odd.stdout).toMatch(/^phone1 {2}2\/2/m);
  });
});
