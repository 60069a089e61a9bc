// A scripted AstDB behind DBGet / DBDel / DBPut for replayed sessions whose recording lacks
// those actions (the removal asks DBGet before DBDel; transcript c recorded only the DBDel).
// Seeded from the registrar/contact values a recorded DBGetTree returned. A recorded answer
// for the exact request is used first; otherwise the answer is written in Asterisk 22's
// format: DBGet as in transcript a (S1-11, S1-12), DBDel as in c, DBPut as main/db.c
// manager_dbput answers ("Updated database successfully"; not recorded).
import { parseDbGetTreeResponse } from '../../src-main/ami/parsers';
import type { ActionHandler, ReplayConnection } from './replay-server';
import { readBlocks } from './replay-server';
import type { Transcript } from './transcript';

const FAMILY = 'registrar/contact';

/** key (family-relative) -> stored JSON, from the first DBGetTree of registrar/contact in the session. */
export function recordedContactValues(t: Transcript, session: string): Map<string, string> {
  const values = new Map<string, string>();
  let treeActionId: string | null = null;
  for (const chunk of t.chunks.filter((c) => c.session === session && !c.banner)) {
    for (const m of readBlocks(chunk.bytes)) {
      if (chunk.direction === 'sent' && treeActionId === null && m.get('Action') === 'DBGetTree' && m.get('Family') === FAMILY) treeActionId = m.actionId ?? null;
      if (chunk.direction === 'recv' && m.event === 'DBGetTreeResponse' && m.actionId === treeActionId) {
        const row = parseDbGetTreeResponse(m, FAMILY);
        if (row.ok) values.set(row.value.key, row.value.value);
      }
    }
  }
  return values;
}

export interface ScriptedAstDb {
  values: Map<string, string>;
  handlers: Record<string, ActionHandler>;
}

export function scriptedAstDb(seed: Map<string, string>): ScriptedAstDb {
  const values = new Map(seed);
  const answer = (conn: ReplayConnection, id: string, lines: string[]): void => {
    conn.write(`${lines[0]}\r\nActionID: ${id}\r\n${lines.slice(1).map((l) => `${l}\r\n`).join('')}\r\n`);
  };
  const familyOk = (req: { get(k: string): string | undefined }): boolean => req.get('Family') === FAMILY;
  return {
    values,
    handlers: {
      DBGet: (req, conn) => {
        const id = req.actionId ?? '';
        const key = req.get('Key') ?? '';
        const value = familyOk(req) ? values.get(key) : undefined;
        if (value === undefined) return answer(conn, id, ['Response: Error', 'Message: Database entry not found']);
        if (conn.replay(req)) return;
        answer(conn, id, ['Response: Success', 'EventList: start', 'Message: Result will follow']);
        conn.write(`Event: DBGetResponse\r\nFamily: ${FAMILY}\r\nKey: ${key}\r\nVal: ${value}\r\nActionID: ${id}\r\n\r\n`);
        conn.write(`Event: DBGetComplete\r\nActionID: ${id}\r\nEventList: Complete\r\nListItems: 1\r\n\r\n`);
      },
      DBDel: (req, conn) => {
        const key = req.get('Key') ?? '';
        if (!familyOk(req) || !values.delete(key)) return answer(conn, req.actionId ?? '', ['Response: Error', 'Message: Database entry could not be deleted']);
        if (!conn.replay(req)) answer(conn, req.actionId ?? '', ['Response: Success', 'Message: Key deleted successfully']);
      },
      DBPut: (req, conn) => {
        if (familyOk(req)) values.set(req.get('Key') ?? '', req.get('Val') ?? '');
        answer(conn, req.actionId ?? '', ['Response: Success', 'Message: Updated database successfully']);
      },
    },
  };
}
