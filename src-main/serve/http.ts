// The HTTP side of `regdesk serve`: GET /metrics (Prometheus text format, optionally behind a
// bearer token), /healthz (the process answers) and /readyz (every PBX connected at least once).
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ListenAddress } from './config';
import type { Fleet } from './fleet';
import type { FleetMetrics } from './metrics';

export interface HttpOptions {
  fleet: Fleet;
  metrics: FleetMetrics;
  /** The token /metrics requires (`Authorization: Bearer <token>`); read at each request, so a reload can change it. */
  bearerToken: () => string | null;
}

export interface MetricsServer {
  server: Server;
  address: ListenAddress;
  close(): Promise<void>;
}

export async function startHttp(listen: ListenAddress, opts: HttpOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    handle(req, res, opts).catch((err: unknown) => send(res, 500, `internal error: ${(err as Error).message}\n`));
  });
  // A scraper that keeps a connection open must not hold up a stop.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : listen.port;
  return {
    server,
    address: { host: listen.host, port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: HttpOptions): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'only GET\n', { Allow: 'GET, HEAD' });
  const path = (req.url ?? '/').split('?')[0];
  switch (path) {
    case '/healthz':
      return send(res, 200, 'ok\n');
    case '/readyz': {
      const waiting = opts.fleet.notYetLive();
      return waiting.length === 0 ? send(res, 200, 'ready\n') : send(res, 503, `not connected yet: ${waiting.join(', ')}\n`);
    }
    case '/metrics': {
      const token = opts.bearerToken();
      if (token !== null && !bearerMatches(req.headers.authorization, token)) {
        return send(res, 401, 'a bearer token is required\n', { 'WWW-Authenticate': 'Bearer realm="regdesk"' });
      }
      return send(res, 200, await opts.metrics.scrape(), { 'Content-Type': opts.metrics.contentType });
    }
    default:
      return send(res, 404, 'regdesk serve: /metrics, /healthz, /readyz\n');
  }
}

/** Constant-time comparison (of hashes, so the lengths match too). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]!), digest(token));
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}
