// The Sandbox PBX as one running thing: its configuration, the SIP registrar, the AMI server and
// optionally the demo phones, started together and stopped in order. `npm run sandbox` and the
// app's built-in sandbox (services/sandbox-host.ts) both start it here.
import { join } from 'node:path';
import { startAmiServer, type AmiServer, type AmiServerTls } from './ami/server';
import { sandboxAsterisk, type SandboxAsteriskBranch } from './asterisk-versions';
import { loadSandboxConfig } from './config/load';
import type { SandboxConfig } from './config/types';
import { startDemoPhones } from './demo-phones';
import { SandboxPbx } from './pbx';

/** resources/sandbox beside src-main/ (and beside out/ once built). */
export const BUNDLED_SANDBOX_CONFIG = join(import.meta.dirname, '..', '..', 'resources', 'sandbox');
/** The same lab as FreePBX generates it (extensions N, auth N-auth, includes, manager_custom.conf). */
export const FREEPBX_SANDBOX_CONFIG = join(import.meta.dirname, '..', '..', 'resources', 'sandbox-freepbx');

export interface SandboxOptions {
  /** pjsip.conf, optional pjsip_wizard.conf and manager.conf; the bundled demo configuration by default. */
  configDir?: string;
  /** The Asterisk branch to pass for (banner, CoreSettings, field differences); default 22. */
  asteriskVersion?: SandboxAsteriskBranch;
  /** The configuration already loaded (instead of configDir). */
  config?: SandboxConfig;
  /** Default 127.0.0.1. */
  bind?: string;
  /** Where AMI listens when not on `bind` (manager.conf bindaddr). */
  amiBind?: string;
  /** 0 (the default) = any free port. */
  sipPort?: number;
  amiPort?: number;
  /** Also serve AMI over TLS, as Asterisk does beside plain AMI with tlsenable = yes (port 0, the default: any free port). */
  amiTls?: AmiServerTls & { port?: number };
  /** Keep the AstDB (registered contacts) in this file across restarts. */
  astdbFile?: string;
  expiryCheckIntervalMs?: number;
  /** Scripted phones that register, refresh, and one that reboots until its AOR refuses it. */
  demoPhones?: boolean;
  /** Multiplies every delay of the demo script (0.01: the refused phone shows within a second). */
  demoTimeScale?: number;
  /** Asterisk-style log lines (refused requests, demo phones); dropped by default. */
  log?: (line: string) => void;
}

export interface Sandbox {
  config: SandboxConfig;
  pbx: SandboxPbx;
  ami: AmiServer;
  /** The AMI server over TLS; null unless amiTls was given. */
  amiTls: AmiServer | null;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const bind = opts.bind ?? '127.0.0.1';
  const config = opts.config ?? loadSandboxConfig(opts.configDir ?? BUNDLED_SANDBOX_CONFIG);
  const pbx = await SandboxPbx.start({
    config,
    asterisk: sandboxAsterisk(opts.asteriskVersion),
    bind,
    sipPort: opts.sipPort ?? 0,
    ...(opts.astdbFile ? { astdbFile: opts.astdbFile } : {}),
    ...(opts.expiryCheckIntervalMs ? { expiryCheckIntervalMs: opts.expiryCheckIntervalMs } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  let ami: AmiServer;
  let amiTls: AmiServer | null = null;
  try {
    ami = await startAmiServer({ pbx, bind: opts.amiBind ?? bind, port: opts.amiPort ?? 0 });
  } catch (err) {
    await pbx.close();
    throw err;
  }
  if (opts.amiTls) {
    try {
      amiTls = await startAmiServer({ pbx, bind: opts.amiBind ?? bind, port: opts.amiTls.port ?? 0, tls: { cert: opts.amiTls.cert, key: opts.amiTls.key } });
    } catch (err) {
      await ami.close();
      await pbx.close();
      throw err;
    }
  }
  // Demo phones call the registrar on loopback even when it listens on every address.
  const loopback = bind === '::' ? '::1' : bind === '0.0.0.0' ? '127.0.0.1' : pbx.sipAddress.address;
  const demoOptions = { ...(opts.log ? { log: opts.log } : {}), ...(opts.demoTimeScale ? { timeScale: opts.demoTimeScale } : {}) };
  const demo = opts.demoPhones ? startDemoPhones({ address: loopback, port: pbx.sipAddress.port }, config, demoOptions) : null;
  return {
    config,
    pbx,
    ami,
    amiTls,
    async close() {
      await demo?.stop();
      await amiTls?.close();
      await ami.close();
      await pbx.close();
    },
  };
}
