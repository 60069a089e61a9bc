// Which Chromium the e2e tests drive, and the rule for a missing tool: skip with a clear
// message locally, fail under CI=true.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function onPath(command: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

/** Playwright's own Chromium if installed, else Debian's /usr/bin/chromium, else chromium-browser. */
export function findChromium(): string | null {
  const own = chromium.executablePath();
  if (own && existsSync(own)) return own;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return onPath('chromium-browser');
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: chromiumArgs, timeout: 30_000 });
}

/** Tools missing for a test, each with what installs it. */
export function missingTools(): string[] {
  const missing: string[] = [];
  if (findChromium() === null) missing.push('Chromium (Debian: apt-get install chromium)');
  if (onPath('sipp') === null) missing.push('sipp (Debian: apt-get install sip-tester)');
  return missing;
}

/**
 * Locally a missing tool skips the suite with a message; under CI=true it is a failure, so a
 * CI run can never pass without running the browser tests.
 */
export function toolsVerdict(suite: string): { run: boolean; failure: string | null } {
  const missing = missingTools();
  if (missing.length === 0) return { run: true, failure: null };
  const message = `${suite}: SKIPPED, missing ${missing.join(', ')}`;
  if (process.env.CI === 'true') return { run: false, failure: `${message} (not allowed under CI=true)` };
  console.warn(message);
  return { run: false, failure: null };
}
