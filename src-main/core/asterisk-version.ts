// The Asterisk version a PBX runs, and what RegDesk may count on or advise because of it.
// The AMI banner carries the AMI protocol version only (`Asterisk Call Manager/11.0.0` on
// 22.10.1); Asterisk's own version is CoreSettings' `AsteriskVersion` (main/manager.c
// action_coresettings, every version). Release numbers: shared VERSIONS.md, read from
// Asterisk's source at each tag.

export interface AsteriskVersion {
  /** As CoreSettings sent it, e.g. `20.20.1`, `certified-20.7-cert5`, `GIT-master-abc123`. */
  text: string;
  /** null when the text names no release (a git build, or something unknown). */
  major: number | null;
  minor: number | null;
}

/** What the version means for RegDesk. `old`: below 18, the oldest branch it is tested on. */
export type VersionSupport = 'supported' | 'old' | 'unrecognised';

export const OLDEST_SUPPORTED_MAJOR = 18;

/** `20.20.1`, `18.26.4`, `certified-20.7-cert5`, `22.11.0-rc1`; anything else has no numbers. */
export function parseAsteriskVersion(text: string): AsteriskVersion {
  const m = /^(?:certified[-/])?(\d+)\.(\d+)/.exec(text.trim());
  if (!m) return { text, major: null, minor: null };
  return { text, major: Number(m[1]), minor: Number(m[2]) };
}

export function versionSupport(v: AsteriskVersion | null): VersionSupport {
  if (!v || v.major === null) return 'unrecognised';
  return v.major < OLDEST_SUPPORTED_MAJOR ? 'old' : 'supported';
}

/** First minor release of each branch with a feature; a branch newer than all of them has it from .0. */
type FirstReleases = { since: ReadonlyArray<readonly [major: number, minor: number]>; newerFrom: number };

function hasFeature(v: AsteriskVersion | null, first: FirstReleases): boolean {
  // Unknown version: say nothing the PBX might reject (the caller advises the safe subset).
  if (!v || v.major === null || v.minor === null) return false;
  if (v.major >= first.newerFrom) return true;
  const branch = first.since.find(([major]) => major === v.major);
  return branch !== undefined && v.minor >= branch[1];
}

/** AOR option remove_unavailable: added in 16.22, 18.8 and 19.0 (res_pjsip/location.c). */
const REMOVE_UNAVAILABLE: FirstReleases = { since: [[16, 22], [18, 8]], newerFrom: 19 };

/** qualify_2xx_only (and `Qualify2xxOnly` in AMI, the key in the stored contact): 20.12.0,
 *  21.7.0, 22.2.0, 23.0.0; never on 18 or 19. */
const QUALIFY_2XX_ONLY: FirstReleases = { since: [[20, 12], [21, 7], [22, 2]], newerFrom: 23 };

export function hasRemoveUnavailable(v: AsteriskVersion | null): boolean {
  return hasFeature(v, REMOVE_UNAVAILABLE);
}

export function hasQualify2xxOnly(v: AsteriskVersion | null): boolean {
  return hasFeature(v, QUALIFY_2XX_ONLY);
}
