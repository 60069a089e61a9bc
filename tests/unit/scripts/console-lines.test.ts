// `npm start` / `npm test` set-up output (issue 14 item 3): the failed Electron download is one
// line (a real child process of an install.js that fails as electron's does offline), and npm's
// EBADENGINE warning blocks are one line per package.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs without types: the scripts run before node_modules exists
import { foldEngineWarnings } from '../../../scripts/lib/console-lines.mjs';
// @ts-expect-error plain .mjs without types
import { ensureElectron } from '../../../scripts/lib/electron-binary.mjs';

// As npm 10 prints it on Node 20.20 for this lock file.
const NPM_STDERR = `npm warn EBADENGINE Unsupported engine {
npm warn EBADENGINE   package: 'node-abi@4.24.0',
npm warn EBADENGINE   required: { node: '>=22.12.0' },
npm warn EBADENGINE   current: { node: 'v20.20.2', npm: '10.8.2' }
npm warn EBADENGINE }
npm warn EBADENGINE Unsupported engine {
npm warn EBADENGINE   package: 'electron@45.5.0',
npm warn EBADENGINE   required: { node: '>= 22.12.0' },
npm warn EBADENGINE   current: { node: 'v20.20.2', npm: '10.8.2' }
npm warn EBADENGINE }
npm warn deprecated inflight@1.0.6: This module is not supported
`;

describe('set-up output', () => {
  it('folds EBADENGINE blocks into one line per package and keeps the other warnings', () => {
    const { lines, rest } = foldEngineWarnings(NPM_STDERR, 'v20.20.2') as { lines: string[]; rest: string[] };
    expect(lines).toEqual([
      'regdesk: node-abi@4.24.0 asks for Node >=22.12.0 and this is v20.20.2; it is used only by `npm run dist` (installers).',
      "regdesk: electron@45.5.0 asks for Node >= 22.12.0 and this is v20.20.2; it only fetches the desktop app's Electron binary (without it `npm start` opens browser mode).",
    ]);
    expect(rest).toEqual(['npm warn deprecated inflight@1.0.6: This module is not supported']);
  });

  it('says in one line why the Electron binary could not be downloaded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'regdesk-fake-electron-'));
    try {
      // What electron's install.js does offline: console.error(err.stack); process.exit(1).
      writeFileSync(join(dir, 'install.js'), "console.error(new TypeError('fetch failed').stack); process.exit(1);\n");
      const logged: string[] = [];
      const result = ensureElectron(dir, (line: string) => logged.push(line)) as { bin: string | null; reason: string };
      expect(result.bin).toBeNull();
      expect(result.reason).toMatch(/^its download failed \(TypeError: fetch failed\)(; its installer needs Node 22\.12 or newer, this is v\d+\.\d+\.\d+)?$/);
      expect(logged).toEqual(['regdesk: downloading the Electron binary (first run)...']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
