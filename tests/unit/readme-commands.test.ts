// Every command the README gives a newcomer is run by a test or by .ci/run (issue 14 item 15):
// a README command no test runs is how the first-hour problems slipped through. Each command
// of the README (its sh blocks, and `npm ...`, `npx ...`, `node ...` in the text) must be listed
// here with the file that runs it and what in that file shows it runs (its distinctive
// arguments), or in NOT_RUN with the reason; a new README command in neither list fails.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

interface Runner {
  /** Where it runs. */
  file: string;
  /** Text that file holds because it runs the command (its arguments, as the test passes them). */
  evidence: string[];
  /** How the test's run differs from the README line, when it must (fixed ports, a real PBX). */
  differs?: string;
}

const RUNNERS: Record<string, Runner> = {
  'npm start': { file: 'tests/e2e/web-instance.test.ts', evidence: ["'src-main', 'web', 'main.ts'", "'--port', '0'"], differs: 'start.mjs builds, then runs this browser mode when no Electron binary can be had (its check: tests/unit/scripts/console-lines.test.ts); the test runs it on port 0' },
  'npm test': { file: '.ci/run', evidence: ['npm test'] },
  'export REGDESK_AMI_SECRET=...': { file: 'tests/integration/cli/cli.test.ts', evidence: ['REGDESK_AMI_SECRET: sandbox.login.secret'] },
  'npm run cli -- status --host 10.0.0.5 --user regdesk': { file: 'tests/integration/cli/cli.test.ts', evidence: ["cli(['status']", 'REGDESK_AMI_HOST', 'REGDESK_AMI_USER'], differs: 'host and user from the environment, the Sandbox PBX standing in for 10.0.0.5' },
  'npm run cli -- watch  --host 10.0.0.5 --user regdesk': { file: 'tests/integration/cli/first-hour.test.ts', evidence: ["cli(['watch', '--for'"] },
  "npm run cli -- remove 'phone1;@0ca336795b4b748e1af6a94a41d43e4d' --host 10.0.0.5 --user regdesk": { file: 'tests/integration/cli/cli.test.ts', evidence: ["cli(['remove', id"] },
  'npm run cli -- restore <audit-id> --host 10.0.0.5 --user regdesk': { file: 'tests/integration/cli/cli.test.ts', evidence: ["cli(['restore', auditId]"] },
  'npm run cli -- dial phone1 --host 10.0.0.5 --user regdesk': { file: 'tests/integration/cli/cli.test.ts', evidence: ["cli(['dial', 'phone1'"] },
  'npm run cli -- audit': { file: 'tests/integration/cli/cli.test.ts', evidence: ["cli(['audit'"] },
  'npm run cli -- status --sandbox --demo': { file: 'tests/integration/cli/first-hour.test.ts', evidence: ["cli(['status', '--sandbox', '--demo']"] },
  'npm run cli -- watch --sandbox': { file: 'tests/integration/cli/first-hour.test.ts', evidence: ["cli(['watch', '--sandbox'"] },
  'npm run cli -- --help': { file: 'tests/integration/cli/first-hour.test.ts', evidence: ["cli(['--help']"] },
  'npm run sandbox -- --demo': { file: 'tests/integration/sandbox/config-addresses.test.ts', evidence: ["'--demo', '--astdb'"], differs: 'on ports 0, never 5060/5038' },
  'npm run sandbox -- --bind 0.0.0.0 --astdb sandbox-astdb.json': { file: 'tests/integration/sandbox/config-addresses.test.ts', evidence: ["'--astdb', astdb, '--bind', '127.0.0.1'"], differs: 'bound to 127.0.0.1: tests listen on loopback only' },
  'npm run sandbox -- --config /etc/asterisk': { file: 'tests/integration/sandbox/config-addresses.test.ts', evidence: ["listeningLine(['--config', dir])"], differs: 'a copy of the bundled configuration with the ports changed' },
  'npm run web -- --port 8765': { file: 'tests/e2e/web-instance.test.ts', evidence: ["'--port', '0'"], differs: 'port 0' },
  'npm run web': { file: 'tests/e2e/web-instance.test.ts', evidence: ["'src-main', 'web', 'main.ts'"] },
  'npm run web -- --sandbox-ports SIP,AMI': { file: 'tests/e2e/web-instance.test.ts', evidence: ["'--sandbox-ports', '0,0'"] },
  'npm ci': { file: '.ci/run', evidence: ['npm ci'] },
  'npm run sandbox -- --ami-tls-cert FILE --ami-tls-key FILE': { file: 'tests/integration/sandbox/ami/tls-main.test.ts', evidence: ["'--ami-tls-cert', certificate.certFile, '--ami-tls-key', certificate.keyFile"] },
  'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub': { file: 'tests/integration/cli/readme-connect.test.ts', evidence: ["keygenFingerprint(join(sshd.dir, 'ssh_host_ed25519_key.pub'))"], differs: "on the test sshd's own host key" },
  'export REGDESK_AMI_SECRET=change-me': { file: 'tests/integration/cli/readme-connect.test.ts', evidence: ["REGDESK_AMI_SECRET: 'change-me'"] },
  'npm run cli -- status --ssh admin@pbx.example.org --user regdesk': { file: 'tests/integration/cli/readme-connect.test.ts', evidence: ["['status', '--ssh', 'admin@pbx.example.org', '--user', 'regdesk']"], differs: 'the host name becomes the test sshd on 127.0.0.1 (no DNS in tests)' },
  'npm run cli -- remove --stale --listen 60 --dry-run': { file: 'tests/integration/cli/incident.test.ts', evidence: ["['remove', '--stale', '--dry-run', '--listen', '3']"], differs: 'listens 3 s, with phones retrying every second' },
  'npm run cli -- remove --stale --listen 60 --yes --rate 20': { file: 'tests/integration/cli/incident.test.ts', evidence: ["['remove', '--stale', '--yes', '--listen', '3', '--rate', '25']"], differs: 'listens 3 s at 25 removals/s' },
  'npm run cli -- restore --batch <batch-id>': { file: 'tests/integration/cli/incident.test.ts', evidence: ["['restore', '--batch', batchId"] },
  'npm run cli -- audit --batches': { file: 'tests/integration/cli/incident.test.ts', evidence: ["['audit', '--batches'"] },
  'npm run cli': { file: 'tests/integration/cli/first-hour.test.ts', evidence: ['cli([], {})'] },
  'regdesk serve --config serve.yml': { file: 'tests/support/serve-process.ts', evidence: ["[REGDESK, 'serve', ...args]"], differs: 'the tests pass --listen 127.0.0.1:0' },
  'regdesk serve --config /etc/regdesk/serve.yml': { file: 'tests/integration/serve/reload.test.ts', evidence: ["startServe(['--config', file"], differs: 'a config file in a temp folder' },
  'regdesk serve --config serve.yml --listen 0.0.0.0:9469': { file: 'tests/integration/serve/reload.test.ts', evidence: ["'--listen', `127.0.0.1:${port}`"], differs: 'loopback only: tests never listen beyond 127.0.0.1' },
  'npm run sandbox -- --asterisk-version 20': { file: 'tests/integration/sandbox/config-addresses.test.ts', evidence: ["listeningLine(['--asterisk-version', '20'"], differs: 'on ports 0' },
  'npm run sandbox -- --config resources/sandbox-freepbx': { file: 'tests/integration/sandbox/config-addresses.test.ts', evidence: ["'resources', 'sandbox-freepbx'"], differs: 'on ports 0' },
  'REGDESK_SCREENSHOTS=1 npx vitest run tests/e2e/web-flow.test.ts': { file: 'tests/e2e/support/flow.ts', evidence: ['REGDESK_SCREENSHOTS'], differs: 'it is a test run itself; npm test runs the same file without the variable' },
};

/** README commands no test runs, each with the reason. Keep this list short. */
const NOT_RUN: Record<string, string> = {
  'npm link': 'installs the regdesk command globally: outside what a test may change',
  'npm run dist': 'installers: needs Node 22.12 and the Electron download; built by the GitHub workflow (issue 14 item 16)',
  'npm run dist -- --linux': 'as npm run dist',
  'npm run dist -- --win': 'as npm run dist',
  'npm run dist -- --mac': 'as npm run dist',
  'npm run bench': 'benchmarks: about 13 minutes of the machine to themselves; run by hand, figures in bench/results',
  'npm run bench -- cold-sync event-path': 'as npm run bench',
  'npx tsx bench/renderer-table.ts': 'as npm run bench',
  'node scripts/generate-icons.mjs': 'redraws the committed icons; a developer tool, not a newcomer step (tests/unit/app/tray-icons.test.ts checks what it drew)',
  'npm run bench -- incident-batch': 'as npm run bench',
  'npx tsx bench/serve-fleet.ts': 'as npm run bench',
  'REGDESK_INCIDENT_SIZE=200 npx vitest run tests/integration/services/incident-batch.test.ts': 'the 200-endpoint proof of incident mode; npm test runs the same file at 50 endpoints',
};

/** Commands that configure something outside RegDesk: nothing for a test here to run. */
const NOT_OURS = new Set(['ssh -L 8765:127.0.0.1:8765 jump-host']);

function readmeCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const inBlocks = blocks.flatMap((b) => b.split('\n')).map((line) => line.replace(/\s{2,}#.*$|\s+#\s.*$/, '').trimEnd());
  // `npm ...` in the text, possibly broken over two lines.
  const prose = readme.replace(/```[\s\S]*?```/g, '');
  const inline = [...prose.matchAll(/`((?:[A-Z_]+=\S+ )?(?:npm|npx|node) [^`]+)`/g)].map((m) => m[1]!.replace(/\s+/g, ' '));
  return [...new Set([...inBlocks, ...inline])].filter((line) => line.trim() !== '');
}

describe('the README commands', () => {
  it('are each run by a test or by .ci/run', () => {
    const commands = readmeCommands();
    expect(commands.length).toBeGreaterThan(10);
    const unrun = commands.filter((c) => !NOT_OURS.has(c) && !(c in RUNNERS) && !(c in NOT_RUN));
    expect(unrun, 'README commands that no test runs: add the test, then list it here').toEqual([]);
  });

  it('lists only commands the README still gives', () => {
    const commands = new Set(readmeCommands());
    expect([...Object.keys(RUNNERS), ...Object.keys(NOT_RUN)].filter((c) => !commands.has(c))).toEqual([]);
  });

  it('name runners that still run them', () => {
    for (const [command, runner] of Object.entries(RUNNERS)) {
      expect(existsSync(join(ROOT, runner.file)), `${command}: ${runner.file}`).toBe(true);
      const text = readFileSync(join(ROOT, runner.file), 'utf8');
      for (const evidence of runner.evidence) expect(text, `${command}: ${runner.file} no longer holds ${evidence}`).toContain(evidence);
    }
  });
});
