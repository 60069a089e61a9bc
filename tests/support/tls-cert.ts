// A throwaway self-signed certificate for AMI-over-TLS tests, made by openssl at test time
// (as an admin makes one for manager.conf tlscertfile), with openssl's own SHA-256 fingerprint
// to compare RegDesk's with.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
  /** `openssl x509 -noout -fingerprint -sha256`, e.g. `AB:CD:...`. */
  fingerprint: string;
  remove(): void;
}

export function makeSelfSignedCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'regdesk-tls-'));
  const certFile = join(dir, 'asterisk.crt');
  const keyFile = join(dir, 'asterisk.key');
  const run = (args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', keyFile, '-out', certFile]);
  const printed = run(['x509', '-noout', '-fingerprint', '-sha256', '-in', certFile]);
  const fingerprint = /Fingerprint=([0-9A-F:]+)/i.exec(printed)?.[1];
  if (!fingerprint) throw new Error(`openssl printed no SHA-256 fingerprint: ${printed}`);
  return {
    certFile,
    keyFile,
    cert: readFileSync(certFile),
    key: readFileSync(keyFile),
    fingerprint: fingerprint.toUpperCase(),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
