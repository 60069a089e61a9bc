// The built-in Sandbox PBX as a PBX like any other: its SIP registrar and AMI server on
// loopback, and the AMI login RegDesk uses for it (the least-privilege `regdesk` user of the
// bundled manager.conf), so the app reaches it through the same bridge as a real Asterisk.
import { join } from 'node:path';
import { loadSandboxConfig } from '../sandbox/config/load';
import { SandboxPbx } from '../sandbox/pbx';
import { startAmiServer, type AmiServer } from '../sandbox/ami/server';
import { startDemoPhones } from '../sandbox/demo-phones';

/** resources/sandbox beside src-main/ (and beside out/ once built). */
export const BUNDLED_SANDBOX_CONFIG = join(import.meta.dirname, '..', '..', 'resources', 'sandbox');

/** The AMI user RegDesk logs in to its own sandbox with. */
export const SANDBOX_AMI_USER = 'regdesk';

export interface SandboxHostOptions {
  configDir?: string;
  /** Where the sandbox keeps its AstDB between runs; in memory only when omitted. */
  astdbFile?: string;
  sipPort?: number;
  amiPort?: number;
  bind?: string;
  expiryCheckIntervalMs?: number;
  /** Scripted phones that register, refresh, and one that reboots until its AOR refuses it. */
  demoPhones?: boolean;
}

export interface SandboxHost {
  pbx: SandboxPbx;
  ami: AmiServer;
  login: { host: string; port: number; username: string; secret: string };
  close(): Promise<void>;
}

export async function startSandboxHost(opts: SandboxHostOptions = {}): Promise<SandboxHost> {
  const config = loadSandboxConfig(opts.configDir ?? BUNDLED_SANDBOX_CONFIG);
  const user = config.managerUsers.find((u) => u.name === SANDBOX_AMI_USER);
  if (!user) throw new Error(`the sandbox manager.conf has no [${SANDBOX_AMI_USER}] user for RegDesk to log in with`);
  const pbx = await SandboxPbx.start({
    config,
    bind: opts.bind ?? '127.0.0.1',
    sipPort: opts.sipPort ?? 0,
    ...(opts.astdbFile ? { astdbFile: opts.astdbFile } : {}),
    ...(opts.expiryCheckIntervalMs ? { expiryCheckIntervalMs: opts.expiryCheckIntervalMs } : {}),
  });
  let ami: AmiServer;
  try {
    ami = await startAmiServer({ pbx, port: opts.amiPort ?? 0, bind: opts.bind ?? '127.0.0.1' });
  } catch (err) {
    await pbx.close();
    throw err;
  }
  const demo = opts.demoPhones ? startDemoPhones(pbx.sipAddress, config) : null;
  return {
    pbx,
    ami,
    login: { host: ami.address, port: ami.port, username: user.name, secret: user.secret },
    async close() {
      await demo?.stop();
      await ami.close();
      await pbx.close();
    },
  };
}
