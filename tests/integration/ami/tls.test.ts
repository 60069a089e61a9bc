// AMI over TLS against the Sandbox PBX's AMI server with a throwaway self-signed certificate:
// what an admin meets with a real Asterisk (tlsenable = yes, certificate made with openssl).
import { once } from 'node:events';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmiConnection, type AmiConnectOptions } from '../../../src-main/ami/connection';
import { AmiError, AmiTlsError } from '../../../src-main/ami/errors';
import { PbxSession } from '../../../src-main/ami/session';
import { startSandboxHost, type SandboxHost } from '../../../src-main/services/sandbox-host';
import { requireTool } from '../../support/require-tool';
import { makeSelfSignedCertificate, type TestCertificate } from '../../support/tls-cert';

const DEADLINES = { connectTimeoutMs: 1_500, loginTimeoutMs: 1_500, actionTimeoutMs: 3_000 };

async function rejection(promise: Promise<unknown>): Promise<AmiError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error('expected the connection to be refused');
  expect(outcome.error).toBeInstanceOf(AmiError);
  return outcome.error as AmiError;
}

/** Any byte and any fingerprint, but not this certificate's. */
function otherFingerprint(fingerprint: string): string {
  return (fingerprint.startsWith('00') ? '11' : '00') + fingerprint.slice(2);
}

describe.runIf(requireTool('openssl', 'openssl'))('AMI over TLS', () => {
  let certificate: TestCertificate;
  let sandbox: SandboxHost;
  let tlsLogin: AmiConnectOptions;

  beforeAll(async () => {
    certificate = makeSelfSignedCertificate();
    sandbox = await startSandboxHost({ amiTls: { cert: certificate.cert, key: certificate.key } });
    tlsLogin = { ...sandbox.login, port: sandbox.amiTls!.port, ...DEADLINES };
  });
  afterAll(async () => {
    await sandbox?.close();
    certificate?.remove();
  });

  it('refuses a self-signed certificate nobody pinned, naming the fingerprint openssl prints for it', async () => {
    const error = await rejection(AmiConnection.connect({ ...tlsLogin, tls: { pinnedFingerprint: null } }));
    expect(error).toBeInstanceOf(AmiTlsError);
    expect(error.code).toBe('tlsUntrusted');
    expect((error as AmiTlsError).fingerprint).toBe(certificate.fingerprint);
    expect(error.message).toContain(certificate.fingerprint);
    expect(error.message).toContain('SELF_SIGNED');
  });

  it('syncs and goes live through a pinned certificate, in whatever form the fingerprint was pasted', async () => {
    const pasted = `sha256 Fingerprint=${certificate.fingerprint.replaceAll(':', '').toLowerCase()}`;
    const session = PbxSession.start({ ...tlsLogin, tls: { pinnedFingerprint: pasted }, retry: false });
    try {
      await session.whenLive(5_000);
      const names = session.state()!.endpoints().map((e) => e.name);
      expect(names).toContain('phone1');
      expect(names).toContain('wiz1');
    } finally {
      await session.close();
    }
  });

  it('refuses a certificate that is not the pinned one before writing a byte, not even the Login', async () => {
    const received: Buffer[] = [];
    const server: TlsServer = createTlsServer({ cert: certificate.cert, key: certificate.key }, (socket) => {
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('error', () => socket.destroy());
      socket.write('Asterisk Call Manager/11.0.0\r\n');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    // The TCP connection's end, whether or not the server got to finish its side of the handshake.
    const peerClosed = new Promise<void>((resolve) => server.on('connection', (socket) => socket.once('close', () => resolve())));
    server.on('tlsClientError', () => undefined);
    try {
      const port = (server.address() as { port: number }).port;
      const wrongPin = otherFingerprint(certificate.fingerprint);
      const error = await rejection(AmiConnection.connect({ ...tlsLogin, port, tls: { pinnedFingerprint: wrongPin } }));
      expect(error.code).toBe('tlsMismatch');
      expect((error as AmiTlsError).fingerprint).toBe(certificate.fingerprint);
      expect(error.message).toContain(wrongPin);
      await peerClosed;
      expect(Buffer.concat(received).length).toBe(0);
    } finally {
      server.close();
    }
  });

  it('a plain TCP client on the TLS port gets no banner and says a TLS port needs TLS, within its login deadline', async () => {
    const error = await rejection(AmiConnection.connect({ ...tlsLogin, loginTimeoutMs: 500 }));
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/no AMI banner within 500 ms.*needs TLS/);
  });

  it('a TLS client on the plain AMI port fails the handshake with a clear error', async () => {
    const error = await rejection(AmiConnection.connect({ ...sandbox.login, ...DEADLINES, tls: { pinnedFingerprint: null } }));
    expect(error.code).toBe('protocol');
    expect(error.message).toMatch(/no TLS handshake with 127\.0\.0\.1:\d+: .*is this the TLS port/);
  });

  it('the connect deadline covers a TLS handshake the server never answers', async () => {
    const silent: TcpServer = createTcpServer((socket) => socket.on('error', () => socket.destroy()));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const port = (silent.address() as { port: number }).port;
      const error = await rejection(AmiConnection.connect({ ...tlsLogin, port, connectTimeoutMs: 400, tls: { pinnedFingerprint: certificate.fingerprint } }));
      expect(error.code).toBe('timeout');
      expect(error.message).toContain('completed no TLS handshake within 400 ms');
    } finally {
      silent.close();
    }
  });
});
