// `npm run web -- [--port N] [--bind ADDR] [--data-dir DIR]`: RegDesk in a browser. Serves the
// built renderer (out/renderer) and the services on 127.0.0.1 with a one-time token URL, for a
// headless jump host (over an SSH tunnel) or wherever no Electron binary can be had.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServices } from '../services/create';
import { PassphraseVault } from '../services/passphrase-vault';
import { startWebServer } from './server';

const loopback = new Set(['127.0.0.1', '::1', 'localhost']);

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8765' },
    bind: { type: 'string', default: '127.0.0.1' },
    'data-dir': { type: 'string', default: join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'regdesk-web') },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`regdesk web: --port must be 0..65535, got ${values.port}`);
  process.exit(2);
}
const rendererDir = join(import.meta.dirname, '../../out/renderer');
if (!existsSync(join(rendererDir, 'index.html'))) {
  console.error('regdesk web: out/renderer is missing; run `npm run build` (npm run web does it).');
  process.exit(1);
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
const services = await createServices({ dataDir: values['data-dir'], secrets: new PassphraseVault(values['data-dir']) });
const server = await startWebServer({ services, rendererDir, host: values.bind, port });
console.log(`RegDesk (browser mode) is listening. Open this URL (it carries the one-time access token):\n\n  ${server.url}\n`);

async function shutdown(): Promise<void> {
  await server.close();
  await services.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
