// What the tray shows, decided from the PBX summaries (plain module: no Electron import).
import type { PbxSummary } from '../services/api';

export type TrayState = 'ok' | 'warning' | 'disconnected';

/**
 * warning: some PBX has warnings (endpoints at their limit, stale contacts, refusals);
 * disconnected: no warnings, but some PBX is not live; ok: every PBX live and quiet.
 */
export function trayState(pbxs: readonly PbxSummary[]): TrayState {
  if (pbxs.some((pbx) => pbx.warnings > 0)) return 'warning';
  if (pbxs.length === 0 || pbxs.some((pbx) => pbx.state !== 'live')) return 'disconnected';
  return 'ok';
}

export function totalWarnings(pbxs: readonly PbxSummary[]): number {
  return pbxs.reduce((sum, pbx) => sum + pbx.warnings, 0);
}
