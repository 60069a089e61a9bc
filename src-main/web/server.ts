// Browser mode: the built renderer over HTTP and the ipc contract over a WebSocket, behind a
// one-time token. The printed URL's token (?token=...) is checked in constant time and can be
// redeemed once: it is traded for a fresh session secret in an HttpOnly SameSite=Strict cookie,
// so reloads work while a copy of the URL (shell history, a screenshot) opens nothing. A session
// lasts as long as the server unless it sits idle past the idle limit (the cookie carries a
// Max-Age, so it outlives the browser window). A second `npm start` asks this server, with the
// control secret only the user's data folder holds, for a fresh one-time link (POST
// /__regdesk/login-link). The WebSocket upgrade checks the session cookie and that the Origin
// is this server.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { securityHeaders } from '../app/window-options';
import { forwardServiceEvents, handleCall } from '../ipc/dispatch';
import type { RegDeskServices } from '../services/api';
import { webSocketPath, type CallMessage, type ServerMessage } from './protocol';
import { readRendererFile } from './static-files';
import { createAccessToken, tokenMatches } from './token';

export interface WebServerOptions {
  services: RegDeskServices;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** A session unused this long ends (default 12 hours). */
  idleLimitMs?: number;
  /** Proves a request for a fresh login link comes from this user (web/instance.ts); none: no such requests. */
  controlSecret?: string;
  now?: () => number;
}

export interface WebServer {
  host: string;
  port: number;
  token: string;
  /** The URL to open, with the one-time token. */
  url: string;
  /** Another one-time login URL (the first stays valid until used). */
  newLoginUrl(): string;
  close(): Promise<void>;
}

export const CONTROL_PATH = '/__regdesk/login-link';
export const CONTROL_HEADER = 'x-regdesk-control';
const DEFAULT_IDLE_LIMIT_MS = 12 * 60 * 60 * 1000;
const FRESH_LINK_HINT = 'run `npm start` (or `npm run web`) again on this machine for a fresh login link';

const maxMessageBytes = 1024 * 1024;

function cookieName(port: number): string {
  // Cookies ignore the port: name them per port so two instances on one host do not clash.
  return `regdesk-token-${port}`;
}

function readCookie(request: IncomingMessage, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function refuse(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(text);
}

function refuseUpgrade(socket: Duplex, status: 403 | 404): void {
  socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? createAccessToken();
  const host = options.host ?? '127.0.0.1';
  const idleLimitMs = options.idleLimitMs ?? DEFAULT_IDLE_LIMIT_MS;
  const now = options.now ?? Date.now;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  /** One-time login tokens not yet redeemed. */
  const loginTokens = new Set<string>([token]);
  /** Session secrets the login tokens were traded for -> when each was last used. */
  const sessions = new Map<string, number>();
  let port = 0;

  /** The session the request's cookie names, refreshed; null when none or idle too long. */
  function sessionOf(request: IncomingMessage): string | null {
    const offered = readCookie(request, cookieName(port));
    for (const [secret, lastUsed] of sessions) {
      if (!tokenMatches(secret, offered)) continue;
      if (now() - lastUsed > idleLimitMs) {
        sessions.delete(secret);
        return null;
      }
      sessions.set(secret, now());
      return secret;
    }
    return null;
  }

  function hasSession(request: IncomingMessage): boolean {
    return sessionOf(request) !== null;
  }

  /** Redeem a one-time login token (constant-time per candidate). */
  function redeem(offered: string): boolean {
    for (const candidate of loginTokens) {
      if (tokenMatches(candidate, offered)) {
        loginTokens.delete(candidate);
        return true;
      }
    }
    return false;
  }

  function loginUrl(loginToken: string): string {
    const urlHost = host.includes(':') ? `[${host}]` : host;
    return `http://${urlHost}:${port}/?token=${loginToken}`;
  }

  function newLoginUrl(): string {
    const fresh = createAccessToken();
    loginTokens.add(fresh);
    return loginUrl(fresh);
  }

  function serveControl(request: IncomingMessage, response: ServerResponse): void {
    const offered = request.headers[CONTROL_HEADER];
    if (!options.controlSecret || typeof offered !== 'string' || !tokenMatches(options.controlSecret, offered)) {
      return refuse(response, 403, 'Forbidden');
    }
    response.writeHead(200, { ...securityHeaders, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    response.end(JSON.stringify({ app: 'regdesk', pid: process.pid, url: newLoginUrl() }));
  }

  const server = createServer((request, response) => {
    void serveHttp(request, response);
  });

  async function serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === 'POST' && request.url === CONTROL_PATH) return serveControl(request, response);
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 405, 'Method not allowed');
    const url = new URL(request.url ?? '/', 'http://localhost');
    const offered = url.searchParams.get('token');
    const inSession = hasSession(request);
    if (offered !== null) {
      let cookie: string | null = null;
      if (!inSession) {
        if (!redeem(offered)) {
          return refuse(response, 403, `Forbidden: wrong token, or this one-time link was already used; ${FRESH_LINK_HINT}`);
        }
        const session = createAccessToken();
        sessions.set(session, now());
        cookie = `${cookieName(port)}=${session}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(idleLimitMs / 1000)}`;
      }
      // Keep the token out of the address bar and history: redirect to the clean URL.
      url.searchParams.delete('token');
      response.writeHead(303, {
        ...securityHeaders,
        ...(cookie ? { 'Set-Cookie': cookie } : {}),
        Location: url.pathname + url.search,
        'Cache-Control': 'no-store',
      });
      return void response.end();
    }
    if (!inSession) return refuse(response, 403, `Forbidden: open the login link RegDesk printed, or ${FRESH_LINK_HINT}`);
    const file = await readRendererFile(options.rendererDir, url.pathname);
    if (file === null) return refuse(response, 404, 'Not found');
    response.writeHead(200, { ...securityHeaders, 'Content-Type': file.contentType, 'Cache-Control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== webSocketPath) return refuseUpgrade(socket, 404);
    const origin = request.headers.origin;
    const sameOrigin = origin === undefined || origin === `http://${request.headers.host ?? ''}`;
    const session = sameOrigin ? sessionOf(request) : null;
    if (session === null) return refuseUpgrade(socket, 403);
    sockets.handleUpgrade(request, socket, head, (ws) => serveWebSocket(ws, session));
  });

  function serveWebSocket(ws: WebSocket, session: string): void {
    const send = (message: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const stopEvents = forwardServiceEvents(options.services, (message) => send({ kind: 'event', message }));
    ws.on('close', stopEvents);
    ws.on('message', (data, isBinary) => {
      // A page in use keeps its session alive, even if it never reloads.
      if (sessions.has(session)) sessions.set(session, now());
      if (isBinary) return ws.close(1003, 'text only');
      let call: Partial<CallMessage>;
      try {
        call = JSON.parse(String(data)) as Partial<CallMessage>;
      } catch {
        return ws.close(1007, 'not JSON');
      }
      if (typeof call !== 'object' || call === null || typeof call.id !== 'number' || typeof call.operation !== 'string') {
        return ws.close(1008, 'not a call');
      }
      const id = call.id;
      void handleCall(options.services, call.operation, call.args).then((result) => send({ kind: 'result', id, result }));
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    host,
    port,
    token,
    url: loginUrl(token),
    newLoginUrl,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
