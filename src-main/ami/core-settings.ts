// The Asterisk version, from CoreSettings (main/manager.c action_coresettings: `AsteriskVersion`,
// beside `AMIversion`). The banner names only the AMI protocol version (VERSIONS.md row 1).
// CoreSettings needs write class system or reporting, which RegDesk's AMI user has; an AMI user
// without them still gets the registrations, so a refusal here leaves the version unknown
// rather than failing the sync.
import type { AmiConnection } from './connection';
import { AmiActionError } from './errors';
import { ownText } from './own-text';

/** AsteriskVersion as sent; null when Asterisk refused the action or sent none. */
export async function readAsteriskVersion(connection: AmiConnection): Promise<string | null> {
  try {
    const answer = await connection.send({ Action: 'CoreSettings' });
    const version = answer.get('AsteriskVersion')?.trim();
    return version === undefined || version === '' ? null : ownText(version);
  } catch (e) {
    if (e instanceof AmiActionError) return null;
    throw e;
  }
}
