// The Electron binary `npm start` opens: downloaded on first run by electron's own install.js.
// Where it cannot be had (no route to its host, a proxy), the reason is one line, not the
// download's stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { firstErrorLine } from './console-lines.mjs';

export function electronBinary(electronDir) {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

/** `{ bin }` when there is a binary (downloading it if needed), else `{ bin: null, reason }`. */
export function ensureElectron(dir, log = console.log) {
  const electronDir = resolve(dir);
  const present = electronBinary(electronDir);
  if (present) return { bin: present, reason: null };
  if (!existsSync(join(electronDir, 'install.js'))) return { bin: null, reason: 'the electron package is not installed' };
  log('regdesk: downloading the Electron binary (first run)...');
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000 });
  const bin = electronBinary(electronDir);
  if (bin) return { bin, reason: null };
  // electron's installer (@electron/get) asks for Node 22.12: say so where this Node is older.
  const [major, minor] = process.versions.node.split('.').map(Number);
  const oldNode = major < 22 || (major === 22 && minor < 12) ? `; its installer needs Node 22.12 or newer, this is ${process.version}` : '';
  return { bin: null, reason: r.error ? r.error.message : `its download failed (${firstErrorLine(r.stderr ?? '')})${oldNode}` };
}
