// The PBX's Asterisk version for regdesk_pbx_info: one CoreSettings action once the session is
// live. Stopgap until the AMI session reads AsteriskVersion itself (the Asterisk-version work):
// then this file goes and the caller reads the session's value.
import type { PbxSession } from '../ami/session';

/** AsteriskVersion from CoreSettings; "" when it cannot be read (no `system`/`reporting` write class, a drop). */
export async function readAsteriskVersion(session: PbxSession): Promise<string> {
  try {
    const answer = await session.liveConnection().send({ Action: 'CoreSettings' });
    return answer.get('AsteriskVersion') ?? '';
  } catch {
    return '';
  }
}
