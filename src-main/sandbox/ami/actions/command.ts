// The Command action (manager.c action_command, `command` write class): the sandbox's CLI
// commands, answered as Asterisk 14+ answers them: `Message: Command output follows`, then
// one `Output:` line per line of CLI text. The response is Error when the CLI handler fails
// (unknown command, wrong usage), Success otherwise.
import { CLASS } from '../permissions';
import { error, response } from '../wire';
import type { AmiField } from '../wire';
import type { ActionContext, ActionSpec } from './action';
import { showAor, showAors, showContact, showContacts, showEndpoints } from './cli-pjsip';
import { treeUnder } from './db';
import { registrarView } from './pjsip';

interface CliResult {
  ok: boolean;
  lines: string[];
}

type CliHandler = (args: string[], context: ActionContext) => CliResult;

interface CliCommand {
  words: string[];
  /** Argument counts (after the command words) the handler accepts. */
  arity: readonly number[];
  usage: string[];
  run: CliHandler;
}

const done = (...lines: string[]): CliResult => ({ ok: true, lines });

/** main/db.c handle_cli_database_show: "%-50s: %-25s" per entry, then the count. */
function databaseShow(args: string[], { pbx }: ActionContext): CliResult {
  const prefix = args.join('/');
  const entries = treeUnder(pbx.astdb, prefix);
  return done(...entries.map((e) => `${e.key.padEnd(50)}: ${e.value.padEnd(25)}`), `${entries.length} results found.`);
}

const COMMANDS: readonly CliCommand[] = [
  {
    words: ['database', 'show'],
    arity: [0, 1, 2],
    usage: ['Usage: database show [family [keytree]]'],
    run: databaseShow,
  },
  {
    words: ['database', 'get'],
    arity: [2],
    usage: ['Usage: database get <family> <key>', '       Retrieves an entry in the Asterisk database for a given', '       family and key.'],
    run: ([family = '', key = ''], { pbx }) => {
      const value = pbx.astdb.get(family, key);
      return value === undefined ? done('Database entry not found.') : done(`Value: ${value}`);
    },
  },
  {
    words: ['database', 'put'],
    arity: [3],
    usage: ['Usage: database put <family> <key> <value>', '       Adds or updates an entry in the Asterisk database for', '       a given family, key, and value.'],
    run: ([family = '', key = '', value = ''], { pbx }) => {
      pbx.astdb.put(family, key, value);
      return done('Updated database successfully');
    },
  },
  {
    words: ['database', 'del'],
    arity: [2],
    usage: ['Usage: database del <family> <key>', '       Deletes an entry in the Asterisk database for a given', '       family and key.'],
    run: ([family = '', key = ''], { pbx }) =>
      done(pbx.astdb.del(family, key) ? 'Database entry removed.' : 'Database entry could not be removed.'),
  },
  {
    words: ['database', 'deltree'],
    arity: [1, 2],
    usage: ['Usage: database deltree <family> [keytree]'],
    run: ([family = '', key], { pbx }) => {
      const deleted = key === undefined ? pbx.astdb.delTree(family) : pbx.astdb.delTree(family, key);
      return done(deleted === 0 ? 'Database entries do not exist.' : `${deleted} database entries removed.`);
    },
  },
  {
    words: ['pjsip', 'show', 'contacts'],
    arity: [0],
    usage: ['Usage: pjsip show contacts'],
    run: (_args, { pbx }) => done(...showContacts(registrarView(pbx))),
  },
  {
    words: ['pjsip', 'show', 'aors'],
    arity: [0],
    usage: ['Usage: pjsip show aors'],
    run: (_args, { pbx }) => done(...showAors(registrarView(pbx))),
  },
  {
    words: ['pjsip', 'show', 'aor'],
    arity: [1],
    usage: ['Usage: pjsip show aor <id>'],
    run: ([name = ''], { pbx }) => done(...showAor(registrarView(pbx), name)),
  },
  {
    words: ['pjsip', 'show', 'contact'],
    arity: [1],
    usage: ['Usage: pjsip show contact <id>'],
    run: ([name = ''], { pbx }) => done(...showContact(registrarView(pbx), name, (id) => pbx.astdb.get('registrar/contact', id))),
  },
  {
    words: ['pjsip', 'show', 'endpoints'],
    arity: [0],
    usage: ['Usage: pjsip show endpoints'],
    run: (_args, { pbx }) => done(...showEndpoints(registrarView(pbx), pbx.config.transports, pbx.config.auths)),
  },
];

/** main/cli.c splits a command line on blanks; double quotes group words. */
function cliWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|(\S+)/g;
  for (let m = pattern.exec(line); m; m = pattern.exec(line)) words.push(m[1] ?? m[2] ?? '');
  return words;
}

/** cli.c find_best: the words that still lead to some command, plus the first that does not. */
function bestMatch(words: string[]): string {
  const known: string[] = [];
  for (const word of words) {
    known.push(word);
    const depth = known.length;
    const leads = COMMANDS.some((c) => c.words.length >= depth && known.every((w, i) => (i === depth - 1 ? c.words[i]!.startsWith(w) : c.words[i] === w)));
    if (!leads) break;
  }
  return known.join(' ');
}

export function runCli(line: string, context: ActionContext): CliResult {
  const words = cliWords(line);
  const command = COMMANDS.find((c) => c.words.every((w, i) => words[i] === w));
  if (!command) {
    return { ok: false, lines: [`No such command '${line}' (type 'core show help ${bestMatch(words)}' for other possible commands)`] };
  }
  const args = words.slice(command.words.length);
  if (!command.arity.includes(args.length)) return { ok: false, lines: command.usage };
  return command.run(args, context);
}

const command: ActionSpec = {
  category: CLASS.command,
  run(req, context) {
    const line = req.header('Command');
    if (line === '') return error(req.actionId, 'No command provided');
    const result = runCli(line, context);
    const output: AmiField[] = result.lines.map((l) => ['Output', l]);
    return response(result.ok ? 'Success' : 'Error', req.actionId, [['Message', 'Command output follows'], ...output]);
  },
};

export const COMMAND_ACTIONS: Readonly<Record<string, ActionSpec>> = { Command: command };
