// `npm run sandbox -- [--config DIR] [--asterisk-version 18|20|21|22|23] [--sip-port N] [--ami-port N] [--ami-tls-cert FILE --ami-tls-key FILE [--ami-tls-port N]] [--bind ADDR] [--astdb FILE] [--demo]`:
// the Sandbox PBX alone, for real phones and AMI clients. Loopback unless --bind says otherwise.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseSandboxBranch, SANDBOX_ASTERISK_BRANCHES } from './asterisk-versions';
import { configuredListen } from './config/listen';
import { loadSandboxConfig } from './config/load';
import { BUNDLED_SANDBOX_CONFIG, startSandbox } from './host';
import { uriHost } from './sip/message';

const USAGE = `usage: npm run sandbox -- [--config DIR] [--asterisk-version 18|20|21|22|23] [--sip-port N] [--ami-port N] [--ami-tls-cert FILE --ami-tls-key FILE [--ami-tls-port N]] [--bind ADDR] [--astdb FILE] [--demo]
  --config DIR         pjsip.conf, optional pjsip_wizard.conf and manager.conf (default: the bundled demo configuration)
  --asterisk-version V answer as Asterisk V does: ${SANDBOX_ASTERISK_BRANCHES.join(', ')} (default 22; banner, CoreSettings, fields)
  --sip-port N         UDP port of the SIP registrar (default: the config's udp transport bind, else 5060; 0 = any free port)
  --ami-port N         TCP port of the AMI server (default: manager.conf [general] port, else 5038; 0 = any free port)
  --ami-tls-cert FILE  also serve AMI over TLS with this PEM certificate (manager.conf tlscertfile)
  --ami-tls-key FILE   and this PEM private key (manager.conf tlsprivatekey)
  --ami-tls-port N     port of AMI over TLS (default 5039; 0 = any free port)
  --bind ADDR          address to listen on for SIP and AMI (default: the config's transport bind and manager.conf
                       bindaddr, else 127.0.0.1; e.g. 0.0.0.0 for phones on the LAN)
  --astdb FILE         keep the AstDB (registered contacts) in FILE across restarts
  --demo               add scripted phones that register, refresh, and one that reboots until refused`;


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
      'asterisk-version': { type: 'string' },
      'sip-port': { type: 'string' },
      'ami-port': { type: 'string' },
      'ami-tls-cert': { type: 'string' },
      'ami-tls-key': { type: 'string' },
      'ami-tls-port': { type: 'string' },
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
  const tlsCertFile = values['ami-tls-cert'];
  const tlsKeyFile = values['ami-tls-key'];
  if ((tlsCertFile === undefined) !== (tlsKeyFile === undefined)) throw new Error('--ami-tls-cert and --ami-tls-key go together');
  const tlsCert = tlsCertFile === undefined ? null : readFileSync(tlsCertFile);
  // The configuration's own addresses (pjsip.conf transport bind, manager.conf bindaddr/port); flags override them.
  const loaded = loadSandboxConfig(values.config ?? BUNDLED_SANDBOX_CONFIG);
  const listen = configuredListen(loaded);
  const sandbox = await startSandbox({
    config: loaded,
    ...(values['asterisk-version'] ? { asteriskVersion: parseSandboxBranch(values['asterisk-version']) } : {}),
    bind: values.bind ?? listen.sip.address ?? '127.0.0.1',
    amiBind: values.bind ?? listen.ami.address ?? '127.0.0.1',
    sipPort: port(values['sip-port'], listen.sip.port ?? 5060, '--sip-port'),
    amiPort: port(values['ami-port'], listen.ami.port ?? 5038, '--ami-port'),
    ...(tlsCert && tlsKeyFile
      ? { amiTls: { cert: tlsCert, key: readFileSync(tlsKeyFile), port: port(values['ami-tls-port'], 5039, '--ami-tls-port') } }
      : {}),
    ...(values.astdb ? { astdbFile: values.astdb } : {}),
    demoPhones: values.demo ?? false,
    log,
  });
  const { config, pbx, ami, amiTls } = sandbox;
  for (const w of config.warnings) console.error(`WARNING: ${w.file}:${w.line}: ${w.message}`);
  const sip = `${uriHost(pbx.sipAddress.address)}:${pbx.sipAddress.port}`;
  console.log(`Sandbox PBX (answers as Asterisk ${pbx.asterisk.asteriskVersion}) listening: SIP udp ${sip}, AMI tcp ${uriHost(ami.address)}:${ami.port}`);
  if (amiTls && tlsCert) {
    // What an admin pins in RegDesk (trust on first use), as `openssl x509 -noout -fingerprint -sha256` prints it.
    console.log(`AMI over TLS: ${uriHost(amiTls.address)}:${amiTls.port}, certificate SHA-256 fingerprint ${new X509Certificate(tlsCert).fingerprint256}`);
  }
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
