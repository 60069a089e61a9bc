// `npm run sandbox -- [--config DIR] [--sip-port N] [--ami-port N] [--bind ADDR] [--astdb FILE] [--demo]`:
// the Sandbox PBX alone, for real phones and AMI clients. Loopback unless --bind says otherwise.
import { parseArgs } from 'node:util';
import { startSandbox } from './host';
import { uriHost } from './sip/message';

const USAGE = `usage: npm run sandbox -- [--config DIR] [--sip-port N] [--ami-port N] [--bind ADDR] [--astdb FILE] [--demo]
  --config DIR   pjsip.conf, optional pjsip_wizard.conf and manager.conf (default: the bundled demo configuration)
  --sip-port N   UDP port of the SIP registrar (default 5060; 0 = any free port)
  --ami-port N   TCP port of the AMI server (default 5038; 0 = any free port)
  --bind ADDR    address to listen on (default 127.0.0.1; e.g. 0.0.0.0 for phones on the LAN)
  --astdb FILE   keep the AstDB (registered contacts) in FILE across restarts
  --demo         add scripted phones that register, refresh, and one that reboots until refused`;


function port(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} must be a port number (0-65535), not '${value}'`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      'sip-port': { type: 'string' },
      'ami-port': { type: 'string' },
      bind: { type: 'string' },
      astdb: { type: 'string' },
      demo: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const log = (line: string) => console.error(line);
  const sandbox = await startSandbox({
    ...(values.config ? { configDir: values.config } : {}),
    bind: values.bind ?? '127.0.0.1',
    sipPort: port(values['sip-port'], 5060, '--sip-port'),
    amiPort: port(values['ami-port'], 5038, '--ami-port'),
    ...(values.astdb ? { astdbFile: values.astdb } : {}),
    demoPhones: values.demo ?? false,
    log,
  });
  const { config, pbx, ami } = sandbox;
  for (const w of config.warnings) console.error(`WARNING: ${w.file}:${w.line}: ${w.message}`);
  const sip = `${uriHost(pbx.sipAddress.address)}:${pbx.sipAddress.port}`;
  console.log(`Sandbox PBX (Asterisk 22 compatible) listening: SIP udp ${sip}, AMI tcp ${uriHost(ami.address)}:${ami.port}`);
  console.log(`Phones register as <endpoint>@${sip}; AMI users: ${config.managerUsers.map((u) => u.name).join(', ')}`);

  const stop = async () => {
    await sandbox.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`sandbox: ${err instanceof Error ? err.message : String(err)}`);
  console.error(USAGE);
  process.exit(1);
});
