// Browser mode started as `npm start` starts it, as real processes (issue 14 items 2 and 4): the
// session outlives the browser window, a second start finds the running instance and prints a
// fresh login link (no EADDRINUSE stack), a port taken by something else is one clear line, and
// the default browser is opened where a desktop session exists. Ports: the OS's (--port 0).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium } from './support/browser';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const WEB = join(ROOT, 'src-main', 'web', 'main.ts');

/** A desktop-less environment unless the test adds DISPLAY: no browser is opened by accident. */
function baseEnv(): NodeJS.ProcessEnv {
  const { DISPLAY: _d, WAYLAND_DISPLAY: _w, ...rest } = process.env;
  return rest;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runWeb(args: string[], env: NodeJS.ProcessEnv = baseEnv()): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [WEB, '--sandbox-ports', '0,0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`web ${args.join(' ')} did not exit within 25 s\n${stdout}\n${stderr}`));
    }, 25_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function loginUrl(text: string): string {
  const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(text)?.[0];
  if (!url) throw new Error(`no login link in:\n${text}`);
  return url;
}

describeInChromium('browser e2e (web instance)', 'browser mode as npm start runs it', (browser) => {
  let dataDir: string;
  let first: ChildProcess;
  let firstUrl: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'regdesk-web-instance-'));
    first = spawn(TSX, [WEB, '--port', '0', '--data-dir', dataDir, '--sandbox-ports', '0,0'], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    firstUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no login link within 25 s:\n${out}`)), 25_000);
      first.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (/token=[\w-]+/.test(out)) {
          clearTimeout(timer);
          resolve(loginUrl(out));
        }
      });
      first.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    });
  }, 60_000);

  afterAll(async () => {
    if (first && first.exitCode === null) {
      const exited = new Promise((resolve) => first.once('exit', resolve));
      first.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the session past the browser window: the cookie lasts while the server runs (idle limit)', async () => {
    const context = await browser().newContext();
    try {
      const page = await context.newPage();
      await page.goto(firstUrl);
      await page.getByRole('navigation').waitFor();
      const [cookie] = await context.cookies();
      // A session cookie (expires -1) ends with the browser; this one lasts hours.
      expect(cookie!.expires * 1000).toBeGreaterThan(Date.now() + 60 * 60 * 1000);
      expect(cookie!.httpOnly).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('a second start finds the running instance and prints a fresh login link that opens it', async () => {
    const second = await runWeb(['--port', '0', '--data-dir', dataDir]);
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
    expect(second.stdout).toMatch(/RegDesk is already running \(pid \d+\)/);
    const fresh = loginUrl(second.stdout);
    expect(fresh).not.toBe(firstUrl);
    expect(new URL(fresh).port).toBe(new URL(firstUrl).port);
    const context = await browser().newContext();
    try {
      const page = await context.newPage();
      await page.goto(fresh);
      await page.getByRole('navigation').waitFor();
      // The used first link, in a browser without the session: refused, saying how to get a new one.
      const stranger = await browser().newContext();
      const response = await (await stranger.newPage()).goto(firstUrl);
      expect(response!.status()).toBe(403);
      expect(await response!.text()).toContain('run `npm start`');
      await stranger.close();
    } finally {
      await context.close();
    }
  });

  it('says in one line that the port is taken, without a stack trace', async () => {
    const other = mkdtempSync(join(tmpdir(), 'regdesk-web-other-'));
    try {
      const r = await runWeb(['--port', new URL(firstUrl).port, '--data-dir', other]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^regdesk web: port \d+ on 127\.0\.0\.1 is already in use .* --port N/)]);
      expect(r.stderr).not.toMatch(/EADDRINUSE|\n\s+at /);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('opens the default browser where a desktop session exists, and only there', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'regdesk-fake-opener-'));
    try {
      const opened = join(bin, 'opened.txt');
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
      chmodSync(join(bin, 'xdg-open'), 0o755);
      const env = { ...baseEnv(), PATH: `${bin}:${process.env.PATH}` };
      const headless = await runWeb(['--port', '0', '--data-dir', dataDir], env);
      expect(headless.code).toBe(0);
      expect(existsSync(opened)).toBe(false);
      const desktop = await runWeb(['--port', '0', '--data-dir', dataDir], { ...env, DISPLAY: ':99' });
      expect(desktop.code).toBe(0);
      const url = loginUrl(desktop.stdout);
      await expect.poll(() => (existsSync(opened) ? readFileSync(opened, 'utf8') : ''), { timeout: 5000 }).toBe(`${url}\n`);
      expect(desktop.stdout).toContain('opened it in your default browser');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
