// createServices for benchmarks: a temp data folder, no Sandbox PBX, secrets kept as given
// (the folder is deleted afterwards; the secrets suite checks the real stores).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegDeskServices, SecretStore } from '../../src-main/services/api';
import { createServices } from '../../src-main/services/create';

const PLAIN_SECRETS: SecretStore = {
  isAvailable: () => true,
  encrypt: (plain) => Buffer.from(plain),
  decrypt: (sealed) => sealed.toString(),
};

export async function benchServices(): Promise<{ services: RegDeskServices; dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'regdesk-bench-data-'));
  const services = await createServices({ dataDir, secrets: PLAIN_SECRETS, sandbox: false });
  let disposed: Promise<void> | null = null;
  return {
    services,
    /** Close the services and delete the folder; later calls wait for the first. */
    dispose() {
      disposed ??= services.close().then(() => rmSync(dataDir, { recursive: true, force: true }));
      return disposed;
    },
  };
}

/** Resolves when every PBX is live with `rows` endpoint rows in total; rejects after `timeoutMs`. */
export async function whenAllLive(services: RegDeskServices, rows: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pbxs = await services.listPbxs();
    const counts = await Promise.all(pbxs.map((p) => services.listEndpoints(p.id)));
    if (pbxs.every((p) => p.state === 'live') && counts.reduce((n, r) => n + r.length, 0) === rows) return;
    if (Date.now() > deadline) throw new Error(`PBXs not all live with ${rows} rows within ${timeoutMs} ms: ${pbxs.map((p) => `${p.name} ${p.state}${p.error ? ` (${p.error.message})` : ''}`).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
