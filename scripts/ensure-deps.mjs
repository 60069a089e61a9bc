#!/usr/bin/env node
// Runs before `npm start` and `npm test` so that a fresh clone needs only that one command:
// installs the npm dependencies when they are missing or older than package-lock.json, and,
// for tests, the Debian packages the real-peer tests use (sipp, baresip, Chromium, OpenSSH) when the
// machine can install them (root with apt-get). Plain Node, no dependencies: node_modules may not exist yet.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { foldEngineWarnings } from './lib/console-lines.mjs';

const root = join(import.meta.dirname, '..');
const forTests = process.argv.includes('--for-tests');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`regdesk: '${cmd} ${args.join(' ')}' failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function npmDepsStale() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return true;
  return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(installed).mtimeMs + 1000;
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** npm ci, with its EBADENGINE warning blocks folded into one line per package. */
function npmCi() {
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  const { lines, rest } = foldEngineWarnings(r.stderr ?? '');
  for (const line of rest) console.error(line);
  for (const line of lines) console.warn(line);
  if (r.status !== 0) {
    console.error(`regdesk: 'npm ci' failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

if (npmDepsStale()) {
  console.log('regdesk: installing npm dependencies (npm ci)...');
  npmCi();
}

if (forTests) {
  // Debian package name for each command the tests drive.
  const tools = { sipp: 'sip-tester', baresip: 'baresip', chromium: 'chromium', openssl: 'openssl', '/usr/sbin/sshd': 'openssh-server', 'ssh-agent': 'openssh-client' };
  const missing = Object.entries(tools).filter(([cmd]) => !has(cmd));
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map(([, pkg]) => pkg))];
    const isRoot = process.getuid?.() === 0;
    if (isRoot && has('apt-get')) {
      console.log(`regdesk: installing test tools: ${pkgs.join(' ')}`);
      run('apt-get', ['update', '-qq']);
      execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } else {
      console.warn(
        `regdesk: tests that drive real phones or a browser need: ${pkgs.join(' ')} ` +
          `(Debian: sudo apt-get install ${pkgs.join(' ')}). Without them those tests say they are skipped; under CI=true they fail.`,
      );
    }
  }
}
