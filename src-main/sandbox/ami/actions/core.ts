// Core actions of main/manager.c: Ping (no class needed), CoreSettings and CoreStatus
// (system or reporting), with the values Asterisk 22.10.1 reported for a default build (20.20.1
// and 23.4.1 differ only in the two version fields: shared versions/*/CoreSettings.wire.txt).
import { CLASS } from '../permissions';
import { response } from '../wire';
import type { ActionSpec } from './action';

const ping: ActionSpec = {
  category: 0,
  run(req, { now }) {
    const ms = now();
    const usec = String(Math.floor(ms % 1000) * 1000).padStart(6, '0');
    return response('Success', req.actionId, [
      ['Ping', 'Pong'],
      ['Timestamp', `${Math.floor(ms / 1000)}.${usec}`],
    ]);
  },
};

const coreSettings: ActionSpec = {
  category: CLASS.system | CLASS.reporting,
  run(req, { pbx }) {
    return response('Success', req.actionId, [
      ['AMIversion', pbx.asterisk.amiVersion],
      ['AsteriskVersion', pbx.asterisk.asteriskVersion],
      ['SystemName', ''],
      ['CoreMaxCalls', '0'],
      ['CoreMaxLoadAvg', '0.000000'],
      ['CoreRunUser', ''],
      ['CoreRunGroup', ''],
      ['CoreMaxFilehandles', '0'],
      ['CoreRealTimeEnabled', 'No'],
      ['CoreCDRenabled', 'No'],
      ['CoreHTTPenabled', 'No'],
      ['SoundsSearchCustomDir', 'No'],
    ]);
  },
};

/** Asterisk prints these in the server's local time (ast_localtime with no zone). */
function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

function localTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

const coreStatus: ActionSpec = {
  category: CLASS.system | CLASS.reporting,
  run(req, { pbx }) {
    return response('Success', req.actionId, [
      ['CoreStartupDate', localDate(pbx.startedAt)],
      ['CoreStartupTime', localTime(pbx.startedAt)],
      ['CoreReloadDate', localDate(pbx.lastReloadAt)],
      ['CoreReloadTime', localTime(pbx.lastReloadAt)],
      ['CoreCurrentCalls', '0'],
      ['CoreProcessedCalls', '0'],
    ]);
  },
};

export const CORE_ACTIONS: Readonly<Record<string, ActionSpec>> = {
  Ping: ping,
  CoreSettings: coreSettings,
  CoreStatus: coreStatus,
};
