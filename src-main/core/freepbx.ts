// Recognising a FreePBX-generated PJSIP configuration from what AMI shows. FreePBX (module
// core, shared FREEPBX.md) writes, per extension N: endpoint N, AOR N, auth `N-auth`, identify
// `N-identify`. PJSIPShowEndpoints lists each endpoint's auths (`Auths`), so the auth naming is
// the sign read here; a hand-written pjsip.conf rarely names every auth `<endpoint>-auth`.
import type { Endpoint } from './types';

export const FREEPBX_AUTH_SUFFIX = '-auth';

/**
 * FreePBX-style when at least one endpoint's auth is `<endpoint>-auth` and such endpoints are
 * the majority of those with an inbound auth (trunks and hand-added endpoints may differ).
 */
export function looksLikeFreePbx(endpoints: readonly Endpoint[]): boolean {
  let withAuth = 0;
  let freepbxStyle = 0;
  for (const e of endpoints) {
    const auths = e.auths ?? [];
    if (auths.length === 0) continue;
    withAuth++;
    if (auths.length === 1 && auths[0] === `${e.name}${FREEPBX_AUTH_SUFFIX}`) freepbxStyle++;
  }
  return freepbxStyle > 0 && freepbxStyle * 2 > withAuth;
}
