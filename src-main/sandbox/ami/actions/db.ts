// The AstDB actions of main/db.c, with Asterisk 22.10.1's messages (FACTS.md, transcripts).
// DBGet and DBGetTree need `system` or `reporting` write, DBPut/DBDel/DBDelTree `system`.
import type { AstDbView } from '../pbx-view';
import { CLASS } from '../permissions';
import { encodeMessage, error, listComplete, listStart, success } from '../wire';
import type { AmiField } from '../wire';
import type { ActionSpec } from './action';

/** Entries under `/<prefix>`, matched on whole path components (db.c's gettree LIKE
 *  `prefix || '/' || '%'`), ordered by key as SQLite returns them. */
export function treeUnder(astdb: AstDbView, prefix: string): Array<{ key: string; value: string }> {
  const path = prefix === '' ? '' : `/${prefix}`;
  return astdb
    .tree()
    .filter((e) => path === '' || e.key === path || e.key.startsWith(`${path}/`))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** ActionID comes last in the DB events: db.c appends its idText after the fields. */
function withTrailingActionId(actionId: string, fields: AmiField[]): AmiField[] {
  return actionId === '' ? fields : [...fields, ['ActionID', actionId]];
}

const dbGet: ActionSpec = {
  category: CLASS.system | CLASS.reporting,
  run(req, { pbx }) {
    const family = req.header('Family');
    const key = req.header('Key');
    if (family === '') return error(req.actionId, 'No family specified.');
    if (key === '') return error(req.actionId, 'No key specified.');
    const value = pbx.astdb.get(family, key);
    if (value === undefined) return error(req.actionId, 'Database entry not found');
    return (
      listStart(req.actionId, 'Result will follow') +
      encodeMessage(
        withTrailingActionId(req.actionId, [
          ['Event', 'DBGetResponse'],
          ['Family', family],
          ['Key', key],
          ['Val', value],
        ]),
      ) +
      listComplete('DBGetComplete', req.actionId, 1)
    );
  },
};

const dbGetTree: ActionSpec = {
  category: CLASS.system | CLASS.reporting,
  run(req, { pbx }) {
    const family = req.header('Family');
    const key = req.header('Key');
    const prefix = family === '' ? '' : key === '' ? family : `${family}/${key}`;
    const entries = treeUnder(pbx.astdb, prefix);
    let out = listStart(req.actionId, 'Result will follow');
    for (const e of entries) {
      out += encodeMessage(
        withTrailingActionId(req.actionId, [
          ['Event', 'DBGetTreeResponse'],
          ['Key', e.key],
          ['Val', e.value],
        ]),
      );
    }
    return out + listComplete('DBGetTreeComplete', req.actionId, entries.length);
  },
};

const dbPut: ActionSpec = {
  category: CLASS.system,
  run(req, { pbx }) {
    const family = req.header('Family');
    const key = req.header('Key');
    if (family === '') return error(req.actionId, 'No family specified');
    if (key === '') return error(req.actionId, 'No key specified');
    pbx.astdb.put(family, key, req.header('Val'));
    return success(req.actionId, 'Updated database successfully');
  },
};

const dbDel: ActionSpec = {
  category: CLASS.system,
  run(req, { pbx }) {
    const family = req.header('Family');
    const key = req.header('Key');
    if (family === '') return error(req.actionId, 'No family specified.');
    if (key === '') return error(req.actionId, 'No key specified.');
    if (!pbx.astdb.del(family, key)) return error(req.actionId, 'Database entry could not be deleted');
    return success(req.actionId, 'Key deleted successfully');
  },
};

const dbDelTree: ActionSpec = {
  category: CLASS.system,
  run(req, { pbx }) {
    const family = req.header('Family');
    const key = req.header('Key');
    if (family === '') return error(req.actionId, 'No family specified.');
    const deleted = key === '' ? pbx.astdb.delTree(family) : pbx.astdb.delTree(family, key);
    if (deleted === 0) return error(req.actionId, 'Database entry not found');
    return success(req.actionId, 'Key tree deleted successfully');
  },
};

export const DB_ACTIONS: Readonly<Record<string, ActionSpec>> = {
  DBGet: dbGet,
  DBGetTree: dbGetTree,
  DBPut: dbPut,
  DBDel: dbDel,
  DBDelTree: dbDelTree,
};
