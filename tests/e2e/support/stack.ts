// The real stack the browser e2e tests drive: a live Sandbox PBX (SIP registrar + AMI server),
// the real main-process services connected to it over AMI as to any Asterisk, and browser mode
// serving the built renderer, all on 127.0.0.1 with OS-chosen ports.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSandboxConfig } from '../../../src-main/sandbox/config/load';
import { startAmiServer, type AmiServer } from '../../../src-main/sandbox/ami/server';
import { sandboxAsterisk, type SandboxAsteriskBranch } from '../../../src-main/sandbox/asterisk-versions';
import { SandboxPbx } from '../../../src-main/sandbox/pbx';
import { ServiceFailure, type PbxSummary, type RegDeskServices, type SecretStore } from '../../../src-main/services/api';
import { createServices } from '../../../src-main/services/create';
import { startWebServer, type WebServer } from '../../../src-main/web/server';

export const rendererDir = join(import.meta.dirname, '../../../out/renderer');

const memoryOnly: SecretStore = {
  isAvailable: () => false,
  encrypt: () => {
    throw new ServiceFailure('noKeystore', 'test has no keystore');
  },
  decrypt: () => {
    throw new ServiceFailure('noKeystore', 'test has no keystore');
  },
};

export interface Stack {
  pbx: SandboxPbx;
  ami: AmiServer;
  services: RegDeskServices;
  web: WebServer;
  lab: PbxSummary;
  close(): Promise<void>;
}

export const bundledSandboxConfig = join(import.meta.dirname, '../../../resources/sandbox');

export interface StackOptions {
  /** The Sandbox PBX configuration (pjsip.conf, manager.conf); the bundled lab one by default. */
  configDir?: string;
  /** The manager.conf user RegDesk logs in as; `regdesk` (reads system,security) by default. */
  amiUser?: { username: string; secret: string };
  /** The Asterisk branch the Sandbox PBX passes for; 22 by default. */
  asteriskVersion?: SandboxAsteriskBranch;
  /** The built renderer browser mode serves; out/renderer (from `npm run build`) by default. */
  rendererDir?: string;
  /** Also run the services' built-in Sandbox PBX (no demo phones, any free ports), as the app does. */
  builtInSandbox?: boolean;
}

export async function startStack({
  configDir = bundledSandboxConfig,
  amiUser = { username: 'regdesk', secret: 'regdesk-sandbox' },
  rendererDir: servedRendererDir = rendererDir,
  asteriskVersion,
  builtInSandbox = false,
}: StackOptions = {}): Promise<Stack> {
  if (!existsSync(join(servedRendererDir, 'index.html'))) throw new Error(`${servedRendererDir} has no index.html: run \`npm run build\` first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'regdesk-e2e-'));
  const config = loadSandboxConfig(configDir);
  const pbx = await SandboxPbx.start({ config, asterisk: sandboxAsterisk(asteriskVersion), sipPort: 0 });
  const ami = await startAmiServer({ pbx, port: 0, bind: '127.0.0.1' });
  const services = await createServices({ dataDir, secrets: memoryOnly, sandbox: builtInSandbox ? {} : false });
  const lab = await services.addPbx(
    { name: 'Lab PBX', host: '127.0.0.1', port: ami.port, username: amiUser.username, tls: false },
    amiUser.secret,
  );
  const web = await startWebServer({ services, rendererDir: servedRendererDir, port: 0 });
  return {
    pbx,
    ami,
    services,
    web,
    lab,
    async close() {
      await web.close();
      await services.close();
      await ami.close();
      await pbx.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
