#!/usr/bin/env node
// `npm start`: build, then open the desktop app. Where no Electron binary can be had (it is
// downloaded on first run, and some networks cannot reach its host), say so and open the same
// UI in browser mode instead, so the command always ends with RegDesk running.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const electronDir = join(root, 'node_modules', 'electron');

function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

function ensureElectron() {
  if (electronBinary()) return electronBinary();
  console.log('regdesk: downloading the Electron binary (first run)...');
  spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, stdio: 'inherit', timeout: 180_000 });
  return electronBinary();
}

const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const bin = ensureElectron();
const child = bin
  ? spawn(bin, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
  : (console.warn(
      'regdesk: no Electron binary is available on this machine, so the desktop shell cannot open.\n' +
        'regdesk: opening browser mode instead (the same UI and services; see README "Browser mode").',
    ),
    spawn('npx', ['tsx', 'src-main/web/main.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' }));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
