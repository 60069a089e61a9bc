// Follow the shared audit log as other RegDesk processes (the app, browser mode, another CLI)
// append to it, so `regdesk watch` can show removals and restores that Asterisk itself never
// announces (a DBDel or DBPut sends no event). Polls the file's size: fs.watch misses appends
// made through another path on some filesystems, and a few stats a second cost nothing.
import { open, stat } from 'node:fs/promises';
import type { AuditEntry } from '../ami/audit-trail';
import { AuditLog, parseRecord } from './audit-log';

export interface AuditFollower {
  close(): Promise<void>;
}

/** Calls `onEntry` for every removal or restore that completes (outcome done) after the call. */
export async function followAuditLog(path: string, onEntry: (entry: AuditEntry) => void, intervalMs = 250): Promise<AuditFollower> {
  // Intents written before we started may get their outcome later: know them all.
  const known = new Map((await AuditLog.open(path)).entries().map((e) => [e.id, e] as const));
  let offset = (await stat(path).catch(() => null))?.size ?? 0;
  let partial = '';
  let reading: Promise<void> = Promise.resolve();

  const readNew = async (): Promise<void> => {
    const size = (await stat(path).catch(() => null))?.size ?? 0;
    if (size < offset) offset = 0; // rotated or truncated: start over
    if (size === offset) return;
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(size - offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      offset += bytesRead;
      const lines = (partial + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const record = parseRecord(line);
        if (!record) continue;
        if (record.type === 'intent') {
          const { type: _type, ...intent } = record;
          known.set(record.id, { ...intent, outcome: 'pending', outcomeAt: null, error: null });
        } else if (record.type === 'outcome') {
          const intent = known.get(record.id);
          if (intent && record.outcome === 'done') onEntry({ ...intent, outcome: 'done', outcomeAt: record.at });
        }
      }
    } finally {
      await handle.close();
    }
  };

  const timer = setInterval(() => {
    reading = reading.then(readNew).catch(() => undefined);
  }, intervalMs);
  return {
    async close() {
      clearInterval(timer);
      await reading;
    },
  };
}
