// Core actions of main/manager.c: Ping (no class needed), CoreSettings and CoreStatus
// (system or reporting), with the values Asterisk 22.10.1 reported for a default build.
import { CLASS } from '../permissions';
import { response } from '../wire';
import type { ActionSpec } from './action';

export const AMI_VERSION = '11.0.0';
export const ASTERISK_VERSION = '22.10.1';

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
  run(req) {
    return response('Success', req.actionId, [
      ['AMIversion', AMI_VERSION],
      ['AsteriskVersion', ASTERISK_VERSION],
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
