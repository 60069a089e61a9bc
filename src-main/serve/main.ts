// `regdesk serve --config FILE [--listen ADDR:PORT] [--all-aors]`: no window, no Electron; the
// AMI bridge to every PBX of the config and their figures on /metrics for Prometheus. The whole
// config (and every secret it points at) is checked before anything starts. SIGHUP reloads it
// (a bad config is refused and the running one kept); SIGTERM and SIGINT stop within 5 s.
// Read-only: it removes no contact (incident-mode batch removal is not in this build).
import { parseArgs } from 'node:util';
import type { SessionStatus } from '../ami/session';
import { ConfigError, DEFAULT_LISTEN, isLoopback, parseListen, readServeConfig, type ListenAddress } from './config';
import { Fleet, type PbxTarget, type ReloadOutcome } from './fleet';
import { startHttp, type MetricsServer } from './http';
import { FleetMetrics } from './metrics';
import { readBearerToken, readSecrets } from './secrets';

export const SERVE_USAGE = `usage: regdesk serve --config FILE [--listen ADDR:PORT] [--all-aors]
  --config FILE        YAML: listen, metrics_bearer_token_file, all_aors, pbxs (name, host, port, user,
                       secret_file or secret_env, tls, tls_fingerprint); see README "Watching a fleet"
  --listen ADDR:PORT   HTTP address of /metrics, /healthz, /readyz (default 127.0.0.1:9469); the only
                       way to listen on a non-loopback address
  --all-aors           per-AOR series for every AOR (default: only AORs at their limit, with a stale
                       contact, or refused in the last hour)
signals: SIGHUP reloads the config, SIGTERM stops
`;

/** How long a stop may take before the process exits anyway (systemd's stop timeout is longer). */
const STOP_DEADLINE_MS = 4_500;

interface Loaded {
  targets: PbxTarget[];
  bearerToken: string | null;
  allAors: boolean;
  listen: ListenAddress | null;
}

function load(file: string): Loaded {
  const config = readServeConfig(file);
  return { targets: readSecrets(config), bearerToken: readBearerToken(config), allAors: config.allAors, listen: config.listen };
}

function log(line: string): void {
  process.stderr.write(`regdesk serve: ${line}\n`);
}

function describeStatus(name: string, s: SessionStatus): string | null {
  if (s.state === 'connecting' || s.state === 'syncing') return null;
  return `${name}: ${s.state}${s.error ? ` (${s.error.message})` : ''}`;
}

function describeReload(o: ReloadOutcome): string {
  const part = (label: string, names: string[]) => (names.length ? `${label} ${names.join(', ')}` : null);
  return [part('added', o.added), part('removed', o.removed), part('reconnected', o.reconnected), `${o.unchanged.length} unchanged`].filter(Boolean).join('; ');
}

/** Runs until a stop signal; resolves with the exit code (1: bad arguments or config, nothing started). */
export async function serveMain(argv: string[]): Promise<number> {
  let values: { config?: string; listen?: string; 'all-aors'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string' }, listen: { type: 'string' }, 'all-aors': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    process.stderr.write(`regdesk serve: ${(err as Error).message}\n${SERVE_USAGE}`);
    return 1;
  }
  if (values.help) {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  const file = values.config;
  if (!file) {
    process.stderr.write(`regdesk serve: --config FILE is required\n${SERVE_USAGE}`);
    return 1;
  }
  let loaded: Loaded;
  let listen: ListenAddress;
  try {
    loaded = load(file);
    listen = values.listen ? parseListen(values.listen, (p) => { throw new Error(`--listen: ${p}`); }) : (loaded.listen ?? DEFAULT_LISTEN);
  } catch (err) {
    log(`${(err as Error).message}; nothing started`);
    return 1;
  }

  const fleet = new Fleet((name, s) => {
    const line = describeStatus(name, s);
    if (line) log(line);
  });
  const metrics = new FleetMetrics(fleet, () => values['all-aors'] === true || loaded.allAors);
  let http: MetricsServer;
  try {
    http = await startHttp(listen, { fleet, metrics, bearerToken: () => loaded.bearerToken });
  } catch (err) {
    log(`cannot listen on ${listen.host}:${listen.port}: ${(err as Error).message}; nothing started`);
    return 1;
  }
  await fleet.apply(loaded.targets);
  const where = `${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${http.address.port}`;
  log(`watching ${loaded.targets.length} PBX(s); metrics on http://${where}/metrics${loaded.bearerToken ? ' (bearer token required)' : ''}`);
  if (!isLoopback(listen.host)) log(`listening on ${where}, which is NOT loopback: anyone who can reach it can read the metrics${loaded.bearerToken ? ' with the token' : '; set metrics_bearer_token_file'}`);

  let reloading = Promise.resolve();
  const reload = () => {
    reloading = reloading.then(async () => {
      let next: Loaded;
      try {
        next = load(file);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        log(`reload refused, the running configuration stays: ${err.message}`);
        return;
      }
      if (!values.listen && JSON.stringify(next.listen) !== JSON.stringify(loaded.listen)) log('listen changed in the config: it takes effect at the next start');
      loaded = next;
      log(`reloaded ${file}: ${describeReload(await fleet.apply(next.targets))}`);
    });
  };
  process.on('SIGHUP', reload);

  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: stopping`);
      // A session still inside a connect (an unreachable PBX: up to the connect and login
      // timeouts) holds nothing that outlives the process: its socket goes with it.
      setTimeout(() => {
        log(`AMI sessions still closing after ${STOP_DEADLINE_MS} ms (a connect in progress); exiting`);
        resolve(0);
      }, STOP_DEADLINE_MS).unref();
      process.off('SIGHUP', reload);
      void Promise.allSettled([http.close(), reloading.then(() => fleet.close())]).then(() => resolve(0));
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
