// Every action the sandbox answers besides the session's own (Login, Logoff, Events), keyed
// lower-case: manager.c action_find compares names case-insensitively.
import type { ActionSpec } from './action';
import { COMMAND_ACTIONS } from './command';
import { CORE_ACTIONS } from './core';
import { DB_ACTIONS } from './db';
import { GETVAR_ACTIONS } from './getvar';
import { PJSIP_ACTIONS } from './pjsip';

export const ACTIONS: ReadonlyMap<string, ActionSpec> = new Map(
  Object.entries({ ...CORE_ACTIONS, ...PJSIP_ACTIONS, ...DB_ACTIONS, ...COMMAND_ACTIONS, ...GETVAR_ACTIONS }).map(([name, spec]) => [name.toLowerCase(), spec]),
);
