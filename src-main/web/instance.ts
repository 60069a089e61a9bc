// One browser-mode RegDesk per data folder. The running one leaves web-instance.json (0600) in
// the data folder: its port, pid and a control secret. A second start reads it and asks that
// server, on 127.0.0.1 (no DNS), for a fresh one-time login link; only a process that can read
// the user's data folder knows the secret. A file left by a crash names a server that does not
// answer (or answers 403): it is ignored and replaced.
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { writeFileAtomic } from '../services/atomic-file';
import { CONTROL_HEADER, CONTROL_PATH } from './server';

export interface InstanceRecord {
  pid: number;
  host: string;
  port: number;
  control: string;
}

export function instanceFile(dataDir: string): string {
  return join(dataDir, 'web-instance.json');
}

export function writeInstance(dataDir: string, record: InstanceRecord): void {
  writeFileAtomic(instanceFile(dataDir), JSON.stringify(record) + '\n', 0o600);
}

/** Remove the file if it still names this process (a newer instance may have replaced it). */
export function removeInstance(dataDir: string, pid: number): void {
  const found = readInstance(dataDir);
  if (found?.pid === pid) rmSync(instanceFile(dataDir), { force: true });
}

function readInstance(dataDir: string): InstanceRecord | null {
  try {
    const r = JSON.parse(readFileSync(instanceFile(dataDir), 'utf8')) as Partial<InstanceRecord>;
    if (typeof r.pid === 'number' && typeof r.port === 'number' && typeof r.control === 'string' && typeof r.host === 'string') return r as InstanceRecord;
  } catch {
    // absent or unreadable: no instance
  }
  return null;
}

/** The running instance's fresh login link and pid, or null when none answers. */
export async function askRunningInstance(dataDir: string, timeoutMs = 2000): Promise<{ url: string; pid: number } | null> {
  const record = readInstance(dataDir);
  if (!record) return null;
  // A server on every address is still reached on loopback.
  const host = record.host === '0.0.0.0' ? '127.0.0.1' : record.host === '::' ? '::1' : record.host;
  return new Promise((resolve) => {
    const req = request({ host, port: record.port, path: CONTROL_PATH, method: 'POST', headers: { [CONTROL_HEADER]: record.control }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          const answer = JSON.parse(body) as { app?: string; url?: string; pid?: number };
          resolve(res.statusCode === 200 && answer.app === 'regdesk' && typeof answer.url === 'string' ? { url: answer.url, pid: answer.pid ?? record.pid } : null);
        } catch {
          resolve(null);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}
