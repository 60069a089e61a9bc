// `npm run web -- [--port N] [--bind ADDR] [--data-dir DIR] [--no-open]` (and `npm start` where
// no Electron binary can be had): RegDesk in a browser. Serves the built renderer (out/renderer)
// and the services on 127.0.0.1 with a one-time login link, for a headless jump host (over an
// SSH tunnel) or a desktop without Electron. A second start on the same data folder finds the
// running one and prints a fresh login link for it instead of failing on the port.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServices } from '../services/create';
import { PassphraseVault } from '../services/passphrase-vault';
import { askRunningInstance, removeInstance, writeInstance } from './instance';
import { openBrowser } from './open-browser';
import { startWebServer } from './server';

const loopback = new Set(['127.0.0.1', '::1', 'localhost']);

function fail(message: string, code = 2): never {
  console.error(`regdesk web: ${message}`);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      port: { type: 'string', default: '8765' },
      bind: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'regdesk-web') },
      'no-open': { type: 'boolean', default: false },
      'sandbox-ports': { type: 'string' },
    },
    strict: true,
  });
} catch (err) {
  fail(`${(err as Error).message} (options: --port N, --bind ADDR, --data-dir DIR, --no-open, --sandbox-ports SIP,AMI)`);
}
const { values } = parsed;
const dataDir = values['data-dir'];

/** Print the link, and open it where a desktop session can show it. */
function showLink(url: string): void {
  console.log(`\n  ${url}\n`);
  if (!values['no-open'] && openBrowser(url)) console.log('regdesk web: opened it in your default browser.');
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got ${values.port}`);
const rendererDir = join(import.meta.dirname, '../../out/renderer');
if (!existsSync(join(rendererDir, 'index.html'))) fail('out/renderer is missing; run `npm run build` (npm run web does it).', 1);

// The built-in Sandbox PBX prefers Asterisk's 5060/5038; --sandbox-ports SIP,AMI prefers others (0,0: any).
const sandboxPorts = values['sandbox-ports']?.split(',').map(Number);
if (sandboxPorts && (sandboxPorts.length !== 2 || !sandboxPorts.every((n) => Number.isInteger(n) && n >= 0 && n <= 65535))) {
  fail(`--sandbox-ports takes SIP,AMI port numbers (e.g. 5060,5038), not ${values['sandbox-ports']}`);
}

const running = await askRunningInstance(dataDir);
if (running) {
  console.log(`regdesk web: RegDesk is already running (pid ${running.pid}) for ${dataDir}. A fresh one-time login link for it:`);
  showLink(running.url);
  process.exit(0);
}

if (!loopback.has(values.bind)) {
  console.warn(
    [
      '',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      `!! WARNING: --bind ${values.bind} exposes RegDesk beyond this machine, over plain HTTP.`,
      '!! Anyone who obtains the token can remove registrations on your PBXs. Prefer the default',
      '!! 127.0.0.1 and an SSH tunnel: ssh -L 8765:127.0.0.1:8765 jump-host',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '',
    ].join('\n'),
  );
}

// Plain Node has no OS keystore: secrets are sealed with the admin's RegDesk passphrase once
// one is set (entered once per start, in the page), and kept in memory for this run until then.
const services = await createServices({
  dataDir,
  secrets: new PassphraseVault(dataDir),
  ...(sandboxPorts ? { sandbox: { demoPhones: true, preferredPorts: { sip: sandboxPorts[0]!, ami: sandboxPorts[1]! } } } : {}),
});
const control = randomBytes(32).toString('base64url');
let server;
try {
  server = await startWebServer({ services, rendererDir, host: values.bind, port, controlSecret: control });
} catch (err) {
  await services.close();
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    fail(`port ${port} on ${values.bind} is already in use (another program, or a RegDesk with another --data-dir); pick another with --port N (npm start -- --port N; 0 = any free port)`);
  }
  throw err;
}
writeInstance(dataDir, { pid: process.pid, host: server.host, port: server.port, control });
console.log('RegDesk (browser mode) is listening. Open this login link (one use; the session then lasts while RegDesk runs):');
showLink(server.url);

async function shutdown(): Promise<void> {
  removeInstance(dataDir, process.pid);
  await server!.close();
  await services.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
