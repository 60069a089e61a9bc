// The facts about a PBX that shape what RegDesk shows and advises: its Asterisk version and
// whether FreePBX generated its configuration.
import { parseAsteriskVersion, versionSupport, type AsteriskVersion } from './asterisk-version';
import { looksLikeFreePbx } from './freepbx';
import type { Endpoint, PbxFacts } from './types';

export function pbxFacts(asteriskVersion: string | null, endpoints: readonly Endpoint[]): PbxFacts {
  return {
    asteriskVersion,
    versionSupport: versionSupport(asteriskVersion === null ? null : parseAsteriskVersion(asteriskVersion)),
    freepbx: looksLikeFreePbx(endpoints),
  };
}

/** The parsed version of the facts; null when unread. */
export function factsVersion(facts: PbxFacts): AsteriskVersion | null {
  return facts.asteriskVersion === null ? null : parseAsteriskVersion(facts.asteriskVersion);
}
