// A browser-mode session lasts while the server runs, until it sits idle past the limit; fresh
// login links come only with the control secret. Real HTTP on 127.0.0.1, port 0, a test clock.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_HEADER, CONTROL_PATH, startWebServer, type WebServer } from '../../../src-main/web/server';
import { RecordingServices } from '../ipc/recording-services';

describe('browser-mode sessions', () => {
  let rendererDir: string;
  let server: WebServer;
  let clock = 1_000_000;
  const HOUR = 60 * 60 * 1000;

  beforeAll(async () => {
    rendererDir = mkdtempSync(join(tmpdir(), 'regdesk-web-idle-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>RegDesk</title>');
    server = await startWebServer({ services: new RecordingServices(), rendererDir, port: 0, idleLimitMs: 2 * HOUR, controlSecret: 'control-secret', now: () => clock });
  });

  afterAll(async () => {
    await server.close();
    rmSync(rendererDir, { recursive: true, force: true });
  });

  async function login(url: string): Promise<string> {
    const r = await fetch(url, { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(r.headers.get('set-cookie')).toContain(`Max-Age=${2 * 60 * 60}`);
    return r.headers.get('set-cookie')!.split(';')[0]!;
  }

  it('stays valid while used, and ends after the idle limit', async () => {
    const cookie = await login(server.url);
    const page = () => fetch(`http://127.0.0.1:${server.port}/`, { headers: { cookie } }).then((r) => r.status);
    clock += 1.5 * HOUR;
    expect(await page()).toBe(200);
    clock += 1.5 * HOUR; // 3 h since login, 1.5 h since last use
    expect(await page()).toBe(200);
    clock += 2 * HOUR + 1;
    expect(await page()).toBe(403);
  });

  it('hands out a fresh one-time login link to the control secret only', async () => {
    const ask = (secret: string) => fetch(`http://127.0.0.1:${server.port}${CONTROL_PATH}`, { method: 'POST', headers: { [CONTROL_HEADER]: secret } });
    expect((await ask('wrong')).status).toBe(403);
    const answer = await ask('control-secret');
    expect(answer.status).toBe(200);
    const { url } = (await answer.json()) as { url: string };
    expect(url).not.toBe(server.url);
    await login(url);
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(403);
  });
});
