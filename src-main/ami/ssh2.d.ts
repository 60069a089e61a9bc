// The part of ssh2 1.17's API that ssh-tunnel.ts uses (the package ships no types, and
// @types/ssh2 would be a second dependency for these few lines).
declare module 'ssh2' {
  import type { EventEmitter } from 'node:events';
  import type { Duplex } from 'node:stream';

  export interface ClientChannel extends Duplex {
    destroy(): this;
  }

  export interface ConnectConfig {
    host: string;
    port: number;
    username: string;
    password?: string;
    privateKey?: Buffer | string;
    passphrase?: string;
    /** A socket path, or 'pageant' on Windows. */
    agent?: string;
    readyTimeout?: number;
    keepaliveInterval?: number;
    keepaliveCountMax?: number;
    /** Called with the raw host key blob before any authentication is sent. */
    hostVerifier?: (key: Buffer, verify: (accept: boolean) => void) => void;
    algorithms?: { serverHostKey?: string[] };
    tryKeyboard?: boolean;
  }

  export class Client extends EventEmitter {
    connect(config: ConnectConfig): this;
    forwardOut(srcIP: string, srcPort: number, dstIP: string, dstPort: number, callback: (err: (Error & { reason?: number }) | undefined, channel: ClientChannel) => void): boolean;
    end(): this;
    destroy(): this;
  }

  export interface ParsedKey {
    type: string;
    comment: string;
  }

  export const utils: {
    parseKey(data: Buffer | string, passphrase?: string): ParsedKey | ParsedKey[] | Error;
  };

  // ssh2 is CommonJS whose `utils` Node's ESM loader cannot see as a named export.
  const ssh2: { Client: typeof Client; utils: typeof utils };
  export default ssh2;
}
