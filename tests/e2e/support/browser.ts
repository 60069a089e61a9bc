// Which Chromium the e2e tests drive, and the rule for a missing tool: skip with a clear
// message locally, fail under CI=true.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe } from 'vitest';

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

/**
 * A describe block whose tests share one Chromium, started before them and closed after; skipped
 * or failed by toolsVerdict. The body's own beforeAll hooks run after Chromium is up.
 */
export function describeInChromium(suite: string, title: string, body: (browser: () => Browser) => void): void {
  const verdict = toolsVerdict(suite);
  describe.runIf(verdict.run || verdict.failure !== null)(title, () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      if (verdict.failure) throw new Error(verdict.failure);
      browser = await launchChromium(findChromium()!);
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });
    body(() => {
      if (!browser) throw new Error(`${suite}: Chromium did not start`);
      return browser;
    });
  });
}
