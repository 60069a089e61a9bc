#!/usr/bin/env node
// `npm start`: build, then open the desktop app. Where no Electron binary can be had (it is
// downloaded on first run, and some networks cannot reach its host), say so in one line and open
// the same UI in browser mode instead, so the command always ends with RegDesk running.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureElectron } from './lib/electron-binary.mjs';

const root = join(import.meta.dirname, '..');

const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const { bin, reason } = ensureElectron(join(root, 'node_modules', 'electron'));
const child = bin
  ? spawn(bin, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
  : (console.warn(`regdesk: no Electron binary here (${reason}); opening browser mode instead: the same UI and services (README "Browser mode").`),
    spawn('npx', ['tsx', 'src-main/web/main.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' }));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
