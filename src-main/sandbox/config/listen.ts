// Where a configuration says the sandbox listens, read as Asterisk reads it: SIP on the `bind`
// of the first UDP transport of pjsip.conf, AMI on manager.conf [general] bindaddr and port.
import type { SandboxConfig } from './types';

export interface ListenAddress {
  /** null: the configuration names no address. */
  address: string | null;
  /** null: the configuration names no port. */
  port: number | null;
}

/** A transport `bind`: `0.0.0.0:5060`, `[::]:5160`, `127.0.0.1`, `::`. Null when unreadable. */
export function parseBind(bind: string): ListenAddress | null {
  const text = bind.trim();
  if (text === '') return null;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { address: bracketed[1]!, port: bracketed[2] ? portOf(bracketed[2]) : null };
  // More than one colon and no brackets: an IPv6 address without a port.
  if (text.indexOf(':') !== text.lastIndexOf(':')) return { address: text, port: null };
  const [address, port] = text.split(':');
  if (port !== undefined && portOf(port) === null) return null;
  return { address: address || null, port: port === undefined ? null : portOf(port) };
}

function portOf(text: string): number | null {
  const n = Number(text);
  return /^\d+$/.test(text) && n >= 1 && n <= 65535 ? n : null;
}

export function configuredListen(config: SandboxConfig): { sip: ListenAddress; ami: ListenAddress } {
  const udp = config.transports.find((t) => t.protocol.toLowerCase() === 'udp');
  return {
    sip: (udp && parseBind(udp.bind)) || { address: null, port: null },
    ami: { address: config.managerGeneral.bindaddr, port: config.managerGeneral.port },
  };
}
