// The built-in Sandbox PBX keeps its ports across restarts, so a softphone configured against
// it and a profile pointing at its AMI keep working: Asterisk's own 5060/udp and 5038/tcp on
// 127.0.0.1 when free, else the ports it had last time (kept in settings), else new ones.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { startSandboxHost, type SandboxHost, type SandboxHostOptions } from './sandbox-host';

export interface SandboxPorts {
  sip: number;
  ami: number;
}

/** Asterisk's defaults: what a softphone and an AMI client try first. */
export const ASTERISK_DEFAULT_PORTS: SandboxPorts = { sip: 5060, ami: 5038 };

const LOOPBACK = '127.0.0.1';

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, LOOPBACK, () => socket.close(() => resolve(true)));
  });
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, LOOPBACK, () => server.close(() => resolve(true)));
  });
}

/** The first candidate port that is free now; 0 (any) when none is. */
async function firstFree(candidates: Array<number | undefined>, free: (port: number) => Promise<boolean>): Promise<number> {
  for (const port of candidates) if (port && (await free(port))) return port;
  return 0;
}

/**
 * Start the sandbox on `preferred` ports, else `last`, else any; `remember` is told the ports it
 * got. A port taken between the check and the start (another program was quicker) falls back to
 * any free port rather than failing the app's start.
 */
export async function startSandboxOnStablePorts(
  opts: SandboxHostOptions,
  preferred: SandboxPorts,
  last: SandboxPorts | null,
  remember: (ports: SandboxPorts) => void,
): Promise<SandboxHost> {
  const sipPort = await firstFree([preferred.sip, last?.sip], udpFree);
  const amiPort = await firstFree([preferred.ami, last?.ami], tcpFree);
  let host: SandboxHost;
  try {
    host = await startSandboxHost({ ...opts, bind: LOOPBACK, sipPort, amiPort });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    host = await startSandboxHost({ ...opts, bind: LOOPBACK, sipPort: 0, amiPort: 0 });
  }
  const got = { sip: host.pbx.sipAddress.port, ami: host.ami.port };
  if (got.sip !== last?.sip || got.ami !== last?.ami) remember(got);
  return host;
}
