// What the trust-on-first-use e2e tests (TLS certificate, SSH host key) share: a keystore that
// seals reversibly (the profile keeps its secret across the edit), polling a locator's text,
// and the Chromium check that skips loudly locally and fails under CI=true.
import type { Locator } from 'playwright';
import type { SecretStore } from '../../../src-main/services/api';
import { findChromium } from './browser';

export const reversingKeystore: SecretStore = {
  isAvailable: () => true,
  encrypt: (plain) => Buffer.from(plain, 'utf8').reverse(),
  decrypt: (sealed) => Buffer.from(sealed).reverse().toString('utf8'),
};

/** The locator's current text, for expect.poll ('' while it is not there). */
export function textOf(locator: Locator): () => Promise<string> {
  return () => locator.textContent({ timeout: 1_000 }).then((text) => text ?? '', () => '');
}

export function haveChromium(suite: string): boolean {
  if (findChromium() !== null) return true;
  const message = `${suite}: Chromium not found (Debian package chromium)`;
  if (process.env.CI === 'true') throw new Error(`${message}, and CI=true requires it`);
  console.warn(`${message}: SKIPPED`);
  return false;
}
