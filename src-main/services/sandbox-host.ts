// The built-in Sandbox PBX as a PBX like any other: started on loopback, and reached with the
// least-privilege `regdesk` AMI user of its manager.conf, so the app talks to it through the
// same bridge as to a real Asterisk.
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/host';

/** The AMI user RegDesk logs in to its own sandbox with. */
export const SANDBOX_AMI_USER = 'regdesk';

export type SandboxHostOptions = Omit<SandboxOptions, 'log'>;

export interface SandboxHost extends Sandbox {
  login: { host: string; port: number; username: string; secret: string };
}

export async function startSandboxHost(opts: SandboxHostOptions = {}): Promise<SandboxHost> {
  const sandbox = await startSandbox(opts);
  const user = sandbox.config.managerUsers.find((u) => u.name === SANDBOX_AMI_USER);
  if (!user) {
    await sandbox.close();
    throw new Error(`the sandbox manager.conf has no [${SANDBOX_AMI_USER}] user for RegDesk to log in with`);
  }
  return { ...sandbox, login: { host: sandbox.ami.address, port: sandbox.ami.port, username: user.name, secret: user.secret } };
}
