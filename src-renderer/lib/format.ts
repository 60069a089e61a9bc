// Small presentation helpers shared by the views (no wording here: that is in the dictionaries).
import type { SourceAddress } from '../../src-main/core/types';

/** `addr:port`, with IPv6 addresses bracketed as SIP writes them. */
export function formatSource(source: { addr: string; port: number } | SourceAddress): string {
  return source.addr.includes(':') ? `[${source.addr}]:${source.port}` : `${source.addr}:${source.port}`;
}

/** Seconds left until an absolute epoch-seconds expiry; negative once past. */
export function secondsUntil(expirationTime: number, nowMs: number): number {
  return Math.round(expirationTime - nowMs / 1000);
}

export function formatClock(epochMs: number, language: string): string {
  return new Date(epochMs).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
