// The built-in Sandbox PBX keeps its ports across restarts (issue 14 item 5): the preferred
// ports when free (5060/5038 in the app; here ports the test picked), else last time's (kept in
// settings.json), else new ones. The test never touches 5060 or 5038.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RegDeskServices, SecretStore } from '../../../src-main/services/api';
import { createServices, SANDBOX_PBX_ID } from '../../../src-main/services/create';
import type { SandboxPorts } from '../../../src-main/services/sandbox-ports';
import { freePorts, holdTcp, holdUdp } from '../../support/ports';

const noKeystore: SecretStore = { isAvailable: () => false, encrypt: () => Buffer.alloc(0), decrypt: () => '' };

describe('the built-in Sandbox PBX ports', () => {
  let dataDir: string;
  beforeEach(() => void (dataDir = mkdtempSync(join(tmpdir(), 'regdesk-ports-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  async function sandboxPorts(preferredPorts: SandboxPorts): Promise<SandboxPorts> {
    const services: RegDeskServices = await createServices({ dataDir, secrets: noKeystore, sandbox: { preferredPorts } });
    try {
      const sandbox = (await services.listPbxs()).find((p) => p.id === SANDBOX_PBX_ID)!;
      return { sip: sandbox.sipAddress!.port, ami: sandbox.port };
    } finally {
      await services.close();
    }
  }

  it('takes the preferred ports when free, else the ports of last time, else new ones, and remembers them', async () => {
    const preferred = await freePorts();
    expect(await sandboxPorts(preferred)).toEqual(preferred);
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).sandboxPorts).toEqual(preferred);

    // Someone else holds the preferred ports now: last time's come back.
    const otherSip = await holdUdp();
    const otherAmi = await holdTcp();
    const taken = { sip: otherSip.port, ami: otherAmi.port };
    try {
      expect(await sandboxPorts(taken)).toEqual(preferred);

      // Last time's are taken too: new ones, remembered for the next start.
      const lastSip = await holdUdp(preferred.sip);
      const lastAmi = await holdTcp(preferred.ami);
      try {
        const fresh = await sandboxPorts(taken);
        expect(fresh.sip).not.toBe(preferred.sip);
        expect(fresh.ami).not.toBe(preferred.ami);
        expect(fresh.sip).not.toBe(taken.sip);
        expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).sandboxPorts).toEqual(fresh);
      } finally {
        await lastSip.release();
        await lastAmi.release();
      }
    } finally {
      await otherSip.release();
      await otherAmi.release();
    }
  });
});
