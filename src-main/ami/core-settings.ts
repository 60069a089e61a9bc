// The Asterisk version, from CoreSettings (main/manager.c action_coresettings: `AsteriskVersion`,
// beside `AMIversion`). The banner names only the AMI protocol version (VERSIONS.md row 1).
// CoreSettings needs write class system or reporting, which RegDesk's AMI user has; an AMI user
// without them still gets the registrations, so a refusal here leaves the version unknown
// rather than failing the sync. A lost connection or a timeout also gives null: the lists sent
// beside it fail for the same reason and carry the error the session reports.
import type { AmiConnection } from './connection';
import { ownText } from './own-text';

/** AsteriskVersion as sent; null when Asterisk refused the action, sent none, or never answered. */
export async function readAsteriskVersion(connection: AmiConnection): Promise<string | null> {
  try {
    const answer = await connection.send({ Action: 'CoreSettings' });
    const version = answer.get('AsteriskVersion')?.trim();
    return version === undefined || version === '' ? null : ownText(version);
  } catch {
    return null;
  }
}
