// `npm run sandbox` as a process: it prints where it listens, phones register to it, it stops on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SipPhone } from '../../../../src-main/sandbox/sip/phone';
import { exitOf } from '../../../support/child-exit';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

function sandbox(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src-main/sandbox/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('npm run sandbox', () => {
  it('prints the SIP and AMI addresses once listening, registers phones, and stops on SIGTERM', { timeout: 30_000 }, async () => {
    const child = sandbox(['--sip-port', '0', '--ami-port', '0']);
    const exited = exitOf(child, 25_000);
    let out = '';
    const listening = await new Promise<RegExpExecArray>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /SIP udp 127\.0\.0\.1:(\d+), AMI tcp 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(m);
      });
      child.once('exit', () => reject(new Error(`sandbox exited early: ${out}`)));
    });
    const phone = await SipPhone.open({ server: { address: '127.0.0.1', port: Number(listening[1]) }, user: 'phone1', password: 'pw-phone1' });
    try {
      expect((await phone.register(3600)).status).toBe(200);
    } finally {
      await phone.close();
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a bad port with its usage and exit code 1', { timeout: 20_000 }, async () => {
    const child = sandbox(['--sip-port', 'x']);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    expect(await exitOf(child, 15_000)).toBe(1);
    expect(err).toContain("--sip-port must be a port number (0-65535), not 'x'");
    expect(err).toContain('usage: npm run sandbox');
  });
});
