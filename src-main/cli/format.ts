// Plain-text rendering of the registrar state for terminals: what `regdesk status` prints.
import { OLDEST_SUPPORTED_MAJOR } from '../core/asterisk-version';
import type { Contact, EndpointDetail, PbxFacts, StaleMark, StaleReason } from '../core/types';

const STALE_WORDS: Record<StaleReason, string> = {
  supersededBySameDevice: 'same device registered again; this binding is left over',
  unreachable: 'does not answer qualify (OPTIONS)',
  ghost: 'deleted from the AstDB but Asterisk still qualifies it in memory (cleared only by a restart)',
  expired: 'expired; Asterisk drops it at the next expiry check',
};

export function staleReasonText(mark: StaleMark): string {
  const words = STALE_WORDS[mark.reason];
  return mark.supersededBy ? `${words} (newer: ${mark.supersededBy})` : words;
}

/** The lines above `status` and `watch`: which Asterisk, FreePBX, and a warning where the
 *  version is below the oldest tested branch or unrecognised (RegDesk still goes on). */
export function formatPbxHeader(label: string, facts: PbxFacts): string[] {
  const version = facts.asteriskVersion === null ? 'Asterisk version unknown' : `Asterisk ${facts.asteriskVersion}`;
  const lines = [`${label}: ${version}${facts.freepbx ? ', FreePBX detected' : ''}`];
  const warning = versionWarning(facts);
  if (warning) lines.push(`WARNING: ${warning}`);
  return lines;
}

export function versionWarning(facts: PbxFacts): string | null {
  if (facts.versionSupport === 'old') {
    return `Asterisk ${facts.asteriskVersion} is older than ${OLDEST_SUPPORTED_MAJOR}, the oldest version RegDesk is tested with; going on, but fields and advice may not fit it`;
  }
  if (facts.versionSupport === 'unrecognised') {
    return facts.asteriskVersion === null
      ? 'CoreSettings did not tell the Asterisk version (the AMI user needs write = system or reporting); going on, advising only options every version has'
      : `Asterisk version ${JSON.stringify(facts.asteriskVersion)} is not one RegDesk recognises; going on, advising only options every version has`;
  }
  return null;
}

/** `3m05s`, `59s`, `1h00m`, or `expired`: how long until Asterisk drops the contact. */
export function expiresIn(expirationTime: number, nowMs: number): string {
  const s = Math.floor(expirationTime - nowMs / 1000);
  if (s <= 0) return 'expired';
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function rtt(c: Contact): string {
  return c.roundtripUsec === null ? '' : ` ${(c.roundtripUsec / 1000).toFixed(1)} ms`;
}

/** A table of columns padded to their widest cell. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** One endpoint block: the summary line, then each contact with its stale mark. */
export function formatEndpoint(d: EndpointDetail, nowMs: number): string {
  const r = d.row;
  const flags = [
    r.atLimit ? 'AT LIMIT' : '',
    r.removeExisting ? 'remove_existing' : '',
    r.removeUnavailable ? 'remove_unavailable' : '',
    r.refusals > 0 ? `${r.refusals} refused` : '',
  ].filter(Boolean);
  const head = `${r.endpoint}  ${r.contacts}/${r.maxContacts}${flags.length ? '  [' + flags.join(', ') + ']' : ''}`;
  const stale = new Map<string, StaleMark>();
  for (const a of d.aors) for (const m of a.diagnosis.stale) stale.set(m.contactId, m);
  const rows = d.aors.flatMap((a) =>
    a.contacts.map((c) => {
      const mark = stale.get(c.id);
      return [
        '  ' + c.id,
        c.userAgent || '-',
        `${c.viaAddr}:${c.viaPort}`,
        expiresIn(c.expirationTime, nowMs),
        c.status + rtt(c),
        mark ? `STALE: ${staleReasonText(mark)}` : '',
      ];
    }),
  );
  return rows.length ? `${head}\n${table(rows)}` : head;
}
