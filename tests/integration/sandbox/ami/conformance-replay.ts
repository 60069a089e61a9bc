// Conformance: a recorded lab experiment replayed against the Sandbox PBX with real phones
// (sipp) and real AMI sessions, every message of every session compared with what Asterisk
// 22.10.1 sent: same events and responses in the same order, same field names in the same
// order, same values except the ones listed in NORMALIZE (and the known gaps in NOT_REPLAYED).
// The test files (conformance*.test.ts) say which recordings; one that runs long in real time
// has a file of its own, so that vitest runs it beside the others.
import { afterEach, describe, expect, it } from 'vitest';
import { startAmiServer } from '../../../../src-main/sandbox/ami/server';
import type { AmiServer } from '../../../../src-main/sandbox/ami/server';
import { sandboxAsterisk, type SandboxAsteriskBranch } from '../../../../src-main/sandbox/asterisk-versions';
import { CONTACT_EXPIRATION_CHECK_INTERVAL_MS, SandboxPbx } from '../../../../src-main/sandbox/pbx';
import { hasSipp } from '../../../support/sip-phone';
import { labConfig } from '../../../unit/sandbox/ami/recorded-lab';
import { readRecording, replay, withReplacements, type PhonePorts } from './transcript-driver';

/**
 * Everything that legitimately differs between the lab recording and a replay, in one place.
 * Each entry rewrites both sides the same way before they are compared.
 */
const NORMALIZE: Array<{ why: string; pattern: RegExp; as: string }> = [
  { why: 'wall-clock times', pattern: /^(EventTV|SessionTV|Timestamp|CoreStartupDate|CoreStartupTime|CoreReloadDate|CoreReloadTime): .+$/gm, as: '$1: <time>' },
  { why: 'seconds since start and reload', pattern: /^(Uptime|LastReload): \d+$/gm, as: '$1: <seconds>' },
  { why: 'absolute expiry times (epoch seconds)', pattern: /^(ExpirationTime|RegExpire): \d+$/gm, as: '$1: <epoch>' },
  { why: 'absolute expiry time in the CLI contact parameters', pattern: /^(Output: {2}expiration_time {6}: )\d+$/gm, as: '$1<epoch>' },
  { why: 'absolute expiry time inside the stored contact', pattern: /"expiration_time":"\d+"/g, as: '"expiration_time":"<epoch>"' },
  { why: 'an AMI session id is a C pointer in Asterisk', pattern: /^SessionID: 0x[0-9a-f]+$/gm, as: 'SessionID: <session>' },
  { why: 'TCP ports of the AMI listener and its clients', pattern: /IPV4\/TCP\/127\.0\.0\.1\/\d+/g, as: 'IPV4/TCP/127.0.0.1/<port>' },
  { why: 'the SIP listener port (the lab had 5060, the sandbox takes a free one)', pattern: /^LocalAddress: IPV4\/UDP\/127\.0\.0\.1\/\d+$/gm, as: 'LocalAddress: IPV4/UDP/127.0.0.1/<sip>' },
  { why: 'measured qualify round-trip times', pattern: /^RoundtripUsec: [1-9]\d*$/gm, as: 'RoundtripUsec: <rtt>' },
  { why: 'measured qualify round-trip times in the CLI tables', pattern: /Avail +\d+\.\d{3}$/gm, as: 'Avail <rtt>' },
  { why: 'digest nonces and responses', pattern: /^(Challenge|Response): (\d+\/[0-9a-f]+|[0-9a-f]{32})$/gm, as: '$1: <digest>' },
];

/** Recorded answers the sandbox does not reproduce, by transcript and ActionID, and why. */
const NOT_REPLAYED: Record<string, Record<string, string>> = {
  'h_login_failures_unknown_action.txt': {
    'S3-12': "find_best's hint depends on Asterisk's whole CLI command set",
  },
};

function normalize(message: string, replacements: Array<[string, string]>): string {
  let text = withReplacements(message, replacements);
  for (const { pattern, as } of NORMALIZE) text = text.replace(pattern, as);
  return text;
}

export interface Replayed {
  name: string;
  /**
   * Runs the recording's waits and the PBX clock (expiry checks included) that much faster; it
   * only suits recordings without qualify, whose OPTIONS rounds run on real time.
   */
  timeScale?: number;
  timeoutMs?: number;
  phonePorts?: PhonePorts;
  /** The Asterisk branch the sandbox passes for: the recording's (22 by default). */
  asterisk?: SandboxAsteriskBranch;
}

/** A test per recording: replayed with sipp phones and real AMI sessions, compared message by message. */
export function describeReplays(title: string, recordings: Replayed[]): void {
  const sipp = hasSipp();
  if (!sipp && process.env.CI === 'true') throw new Error('sipp (Debian sip-tester) is required for the AMI conformance tests in CI');

  describe.skipIf(!sipp)(title, () => {
    let pbx: SandboxPbx | null = null;
    let ami: AmiServer | null = null;

    afterEach(async () => {
      await ami?.close();
      await pbx?.close();
      ami = null;
      pbx = null;
    });

    for (const { name, timeScale = 1, timeoutMs = 90_000, phonePorts, asterisk } of recordings) {
      it(`reproduces ${name}`, { timeout: timeoutMs }, async () => {
        const recording = readRecording(name);
        const start = Date.now();
        const clock = (): number => start + (Date.now() - start) * timeScale;
        pbx = await SandboxPbx.start({
          config: labConfig(),
          asterisk: sandboxAsterisk(asterisk),
          sipPort: 0,
          clock,
          expiryCheckIntervalMs: CONTACT_EXPIRATION_CHECK_INTERVAL_MS / timeScale,
        });
        ami = await startAmiServer({ pbx, port: 0, clock });
        const result = await replay(recording, { sip: pbx.sipAddress, amiPort: ami.port }, timeScale, phonePorts);
        for (const phone of result.phones) expect(phone.got, phone.what).toBe(phone.recorded);
        expect(result.banners, 'banners').toEqual(recording.banners);
        const skipped = NOT_REPLAYED[name] ?? {};
        const keep = (m: string): boolean => !Object.keys(skipped).some((id) => m.includes(`ActionID: ${id}\r\n`));
        for (const [session, recorded] of recording.received) {
          const expected = recorded.filter(keep).map((m) => normalize(m, result.replacements));
          const got = (result.received.get(session) ?? []).filter(keep).map((m) => normalize(m, []));
          expect(got, `session ${session}`).toEqual(expected);
        }
      });
    }
  });
}
