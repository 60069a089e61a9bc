// baresip, a real softphone, registering to the Sandbox headless (no audio modules).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freeUdpPort, skipWithout } from '../../../support/sip-phone';
import { startLab, waitFor } from './harness';

describe.skipIf(skipWithout('baresip', 'baresip'))('baresip', () => {
  it('registers with digest auth and shows up in the contacts with its User-Agent', { timeout: 30_000 }, async () => {
    const { pbx, take } = await startLab();
    const dir = mkdtempSync(join(tmpdir(), 'regdesk-baresip-'));
    const port = await freeUdpPort();
    writeFileSync(join(dir, 'config'), `poll_method\t\tpoll\nsip_listen\t\t127.0.0.1:${port}\nmodule_path\t\t/usr/lib/baresip/modules\nmodule_app\t\taccount.so\n`);
    writeFileSync(join(dir, 'accounts'), `<sip:phone1@127.0.0.1:${pbx.sipAddress.port}>;auth_pass=pw-phone1;regint=3600\n`);
    // -t: baresip quits by itself after 20 s even if this test dies first.
    const child = spawn('baresip', ['-f', dir, '-t', '20'], { stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await waitFor(() => pbx.contacts().length === 1, 10_000);
      const [contact] = pbx.contacts();
      expect(contact!.userAgent).toMatch(/^baresip v\d/);
      expect(contact!.viaPort).toBe(port);
      expect(contact!.uri).toContain(`@127.0.0.1:${port}`);
      expect(take()).toEqual(['ChallengeSent', 'SuccessfulAuth', 'PeerStatus Reachable', 'ContactStatus NonQualified']);
    } finally {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
