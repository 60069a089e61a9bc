// `npm run sandbox -- --config DIR` listens where DIR's own configuration says (issue 14 item 7):
// SIP on the bind of pjsip.conf's udp transport, AMI on manager.conf [general] port; flags
// override them. A real process, on ports the test picked.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../support/ports';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** Start `npm run sandbox -- <args>` and resolve with its "listening" line, then stop it
 *  (after `runFor` ms, e.g. to let its demo phones register). */
function listeningLine(args: string[], runFor = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join(ROOT, 'src-main', 'sandbox', 'main.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let stopping = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('listening:'));
      if (line && !stopping) {
        stopping = true;
        setTimeout(() => child.kill('SIGTERM'), runFor);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', () => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.includes('listening:'));
      if (line) resolve(line);
      else reject(new Error(`the sandbox did not start:\n${out}\n${err}`));
    });
  });
}

describe('npm run sandbox -- --config DIR', () => {
  let dir: string;
  let ports: { sip: number; ami: number };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'regdesk-sandbox-config-'));
    cpSync(join(ROOT, 'resources', 'sandbox'), dir, { recursive: true });
    ports = await freePorts();
    const pjsip = readFileSync(join(dir, 'pjsip.conf'), 'utf8').replace('bind = 127.0.0.1:5060', `bind = 127.0.0.1:${ports.sip}`);
    const manager = readFileSync(join(dir, 'manager.conf'), 'utf8').replace('port = 5038', `port = ${ports.ami}`);
    expect(pjsip).toContain(`:${ports.sip}`);
    expect(manager).toContain(`port = ${ports.ami}`);
    writeFileSync(join(dir, 'pjsip.conf'), pjsip);
    writeFileSync(join(dir, 'manager.conf'), manager);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("listens on the transport's bind and manager.conf's port", async () => {
    expect(await listeningLine(['--config', dir])).toContain(`SIP udp 127.0.0.1:${ports.sip}, AMI tcp 127.0.0.1:${ports.ami}`);
  });

  it('lets --sip-port and --ami-port override them', async () => {
    const line = await listeningLine(['--config', dir, '--sip-port', '0', '--ami-port', '0']);
    const [, sip, ami] = /SIP udp 127\.0\.0\.1:(\d+), AMI tcp 127\.0\.0\.1:(\d+)/.exec(line)!;
    expect(Number(sip)).not.toBe(ports.sip);
    expect(Number(ami)).not.toBe(ports.ami);
  });

  it('runs the README line "--demo --astdb FILE": demo phones register and their contacts are kept in FILE (on loopback, any ports)', async () => {
    const astdb = join(dir, 'sandbox-astdb.json');
    await listeningLine(['--demo', '--astdb', astdb, '--bind', '127.0.0.1', '--sip-port', '0', '--ami-port', '0'], 2500);
    const kept = JSON.parse(readFileSync(astdb, 'utf8')) as Record<string, string>;
    expect(Object.keys(kept).some((k) => k.includes('registrar/contact/201;@'))).toBe(true);
  });

  it('runs the README lines "--asterisk-version 20" and "--config resources/sandbox-freepbx" (on any ports)', async () => {
    expect(await listeningLine(['--asterisk-version', '20', '--sip-port', '0', '--ami-port', '0'])).toContain('answers as Asterisk 20.20.1');
    const freepbx = await listeningLine(['--config', join(ROOT, 'resources', 'sandbox-freepbx'), '--sip-port', '0', '--ami-port', '0']);
    expect(freepbx).toMatch(/answers as Asterisk 22\.\d+\.\d+\) listening: SIP udp 127\.0\.0\.1:\d+, AMI tcp 127\.0\.0\.1:\d+/);
  });
});
