// The Asterisk releases the Sandbox PBX can pass for (`--asterisk-version 18|20|21|22|23`): per
// branch the release RegDesk's facts were read from (shared VERSIONS.md, from Asterisk's source
// at each tag; 20.20.1, 22.10.1 and 23.4.1 also recorded), and what RegDesk can see differ on AMI.
// Everything else (registrar rules, contact ids, AstDB, messages) is the same in all of them.
import type { StoredContactFlags } from '../core/astdb-contact';
import { DEFAULT_STORED_FLAGS } from '../core/astdb-contact';

export const SANDBOX_ASTERISK_BRANCHES = ['18', '20', '21', '22', '23'] as const;
export type SandboxAsteriskBranch = (typeof SANDBOX_ASTERISK_BRANCHES)[number];
export const DEFAULT_SANDBOX_BRANCH: SandboxAsteriskBranch = '22';

export interface SandboxAsterisk {
  branch: SandboxAsteriskBranch;
  /** CoreSettings `AsteriskVersion`. */
  asteriskVersion: string;
  /** The banner's `Asterisk Call Manager/<x>` and CoreSettings `AMIversion` (row 1). */
  amiVersion: string;
  /** `Qualify2xxOnly` in ContactList, AorList, AorDetail, InboundRegistrationDetail,
   *  ContactStatusDetail, `qualify_2xx_only` in `pjsip show aor` and the stored contact (row 2). */
  qualify2xxOnly: boolean;
  /** EndpointList / EndpointDetail `ActiveChannels` sent empty: 18, and 20 before 20.15 (row 4). */
  activeChannelsBlank: boolean;
}

const RELEASES: Readonly<Record<SandboxAsteriskBranch, SandboxAsterisk>> = {
  '18': { branch: '18', asteriskVersion: '18.26.4', amiVersion: '7.0.3', qualify2xxOnly: false, activeChannelsBlank: true },
  '20': { branch: '20', asteriskVersion: '20.20.1', amiVersion: '9.0.0', qualify2xxOnly: true, activeChannelsBlank: false },
  '21': { branch: '21', asteriskVersion: '21.12.3', amiVersion: '10.0.0', qualify2xxOnly: true, activeChannelsBlank: false },
  '22': { branch: '22', asteriskVersion: '22.10.1', amiVersion: '11.0.0', qualify2xxOnly: true, activeChannelsBlank: false },
  '23': { branch: '23', asteriskVersion: '23.4.1', amiVersion: '12.0.0', qualify2xxOnly: true, activeChannelsBlank: false },
};

export function sandboxAsterisk(branch: SandboxAsteriskBranch = DEFAULT_SANDBOX_BRANCH): SandboxAsterisk {
  return RELEASES[branch];
}

/** `--asterisk-version` as typed: a branch (`20`) or a release of one (`20.20.1`). */
export function parseSandboxBranch(text: string): SandboxAsteriskBranch {
  const branch = text.split('.')[0];
  const known = SANDBOX_ASTERISK_BRANCHES.find((b) => b === branch);
  if (!known) throw new Error(`--asterisk-version must be one of ${SANDBOX_ASTERISK_BRANCHES.join(', ')}, not '${text}'`);
  return known;
}

/** What the registrar stores for a contact's flags: no qualify_2xx_only key where the version lacks it. */
export function storedFlagsOf(v: SandboxAsterisk): StoredContactFlags {
  return v.qualify2xxOnly ? DEFAULT_STORED_FLAGS : { ...DEFAULT_STORED_FLAGS, qualify2xxOnly: null };
}

type Field = readonly [name: string, value: string];

/** A PJSIP object's fields (as 22.10.1 prints them) as this version prints them. */
export function fieldsOfVersion<F extends Field>(fields: F[], v: SandboxAsterisk): F[] {
  if (v.qualify2xxOnly && !v.activeChannelsBlank) return fields;
  const out: F[] = [];
  for (const f of fields) {
    if (f[0] === 'Qualify2xxOnly' && !v.qualify2xxOnly) continue;
    out.push(f[0] === 'ActiveChannels' && v.activeChannelsBlank ? ([f[0], ''] as unknown as F) : f);
  }
  return out;
}
