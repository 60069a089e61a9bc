import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { contentSecurityPolicy } from '../../../src-main/app/window-options';
import type { ServerMessage } from '../../../src-main/web/protocol';
import { startWebServer, type WebServer } from '../../../src-main/web/server';
import { RecordingServices, samplePbx } from './recording-services';

let server: WebServer;
let base: string;
let cookieName: string;
let rendererDir: string;
/** Set by the redemption test; the tests after it run in that session. */
let sessionCookie = '';
const services = new RecordingServices();

beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'regdesk-web-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>RegDesk</title>');
  server = await startWebServer({ services, rendererDir, port: 0 });
  base = `http://127.0.0.1:${server.port}`;
  cookieName = `regdesk-token-${server.port}`;
});

afterAll(async () => {
  await server.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

function openSocket(headers: Record<string, string>): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers, handshakeTimeout: 5000 });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket, match: (m: ServerMessage) => boolean): Promise<ServerMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching message within 5 s')), 5000);
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      if (match(message)) {
        clearTimeout(timer);
        resolve(message);
      }
    });
  });
}

describe('browser mode access token', () => {
  it('listens on 127.0.0.1 and prints a URL carrying the token', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`${base}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses the page without a token', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(403);
  });

  it('refuses the page with a wrong token, in the URL or in the cookie', async () => {
    expect((await fetch(`${base}/?token=${server.token.slice(0, -1)}x`, { redirect: 'manual' })).status).toBe(403);
    expect((await fetch(`${base}/`, { headers: { cookie: `${cookieName}=nope` } })).status).toBe(403);
  });

  it('trades the right token for a session cookie once, then serves the page with the CSP header', async () => {
    const first = await fetch(`${base}/?token=${server.token}`, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    const setCookie = first.headers.get('set-cookie') ?? '';
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    sessionCookie = setCookie.split(';')[0]!;
    // The session secret is fresh: the printed token itself is not a key to anything.
    expect(sessionCookie).not.toBe(`${cookieName}=${server.token}`);
    const page = await fetch(`${base}/`, { headers: { cookie: sessionCookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(await page.text()).toContain('<title>RegDesk</title>');
  });

  it('refuses the same token a second time without the session (a copied link opens nothing)', async () => {
    expect((await fetch(`${base}/?token=${server.token}`, { redirect: 'manual' })).status).toBe(403);
    expect((await fetch(`${base}/`, { headers: { cookie: `${cookieName}=${server.token}` } })).status).toBe(403);
    // The browser that redeemed it can reopen the link: it is already in session.
    const again = await fetch(`${base}/?token=${server.token}`, { redirect: 'manual', headers: { cookie: sessionCookie } });
    expect(again.status).toBe(303);
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  it('does not serve files outside the renderer folder', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/%E0%A4%A']) {
      expect((await fetch(`${base}${path}`, { headers: { cookie: sessionCookie } })).status).toBe(404);
    }
  });

  it('refuses the WebSocket upgrade without a token, with a wrong one, or from another origin', async () => {
    await expect(openSocket({})).resolves.toEqual({ status: 403 });
    await expect(openSocket({ cookie: `${cookieName}=wrong` })).resolves.toEqual({ status: 403 });
    await expect(openSocket({ cookie: `${cookieName}=${server.token}` })).resolves.toEqual({ status: 403 });
    await expect(openSocket({ cookie: sessionCookie, origin: 'http://evil.example' })).resolves.toEqual({ status: 403 });
  });

  it('carries calls, validation errors and pushed events over the WebSocket with the right token', async () => {
    const opened = await openSocket({ cookie: sessionCookie, origin: base });
    if (!('ws' in opened)) throw new Error(`upgrade refused: ${opened.status}`);
    const { ws } = opened;
    try {
      const listed = nextMessage(ws, (m) => m.kind === 'result' && m.id === 1);
      ws.send(JSON.stringify({ id: 1, operation: 'listPbxs', args: [] }));
      expect(await listed).toEqual({ kind: 'result', id: 1, result: { ok: true, value: [samplePbx] } });

      const refused = nextMessage(ws, (m) => m.kind === 'result' && m.id === 2);
      ws.send(JSON.stringify({ id: 2, operation: 'connectPbx', args: ['sandbox\r\nAction: Logoff'] }));
      expect(await refused).toMatchObject({ result: { ok: false, error: { code: 'invalidArgument' } } });

      const pushed = nextMessage(ws, (m) => m.kind === 'event');
      services.emit('pbxRemoved', { pbxId: 'gone' });
      expect(await pushed).toEqual({ kind: 'event', message: { event: 'pbxRemoved', payload: { pbxId: 'gone' } } });
    } finally {
      ws.close();
    }
  });
});
