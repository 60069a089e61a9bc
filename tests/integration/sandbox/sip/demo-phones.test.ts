// The --demo phones against the bundled demo configuration, their script run 100 times faster.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSandboxConfig } from '../../../../src-main/sandbox/config/load';
import { startDemoPhones } from '../../../../src-main/sandbox/demo-phones';
import { SandboxPbx } from '../../../../src-main/sandbox/pbx';
import { fieldOf, waitFor } from './harness';

const DEMO_CONFIG = join(import.meta.dirname, '..', '..', '..', '..', 'resources', 'sandbox');

describe('demo phones', () => {
  it('register an office, and the rebooting phone ends refused by its AOR with 403 + FailedACL', { timeout: 20_000 }, async () => {
    const pbx = await SandboxPbx.start({ config: loadSandboxConfig(DEMO_CONFIG) });
    const events: Array<{ event: string; account?: string | undefined }> = [];
    pbx.onAmiEvent((e) => events.push({ event: e.event, account: fieldOf(e, 'AccountID') }));
    const lines: string[] = [];
    const demo = startDemoPhones(pbx.sipAddress, pbx.config, { timeScale: 0.01, log: (l) => lines.push(l) });
    try {
      await waitFor(() => lines.some((l) => /^demo: phone1 .*: 403 Forbidden$/.test(l)), 10_000);
      expect(events).toContainEqual({ event: 'FailedACL', account: 'phone1' });
      const phone1 = pbx.contacts().filter((c) => c.aor === 'phone1');
      // Two bindings left behind by reboots without unregistering: the AOR is full.
      expect(phone1).toHaveLength(2);
      expect(new Set(phone1.map((c) => c.callId)).size).toBe(2);
      expect(pbx.contacts().filter((c) => c.aor === '201').map((c) => c.userAgent).sort()).toEqual(['Yealink SIP-T54W 96.86.0.70', 'Zoiper rv2.10.20.2']);
    } finally {
      await demo.stop();
      await pbx.close();
    }
  });
});
