// Which `write` classes of manager.conf let an AMI user run the actions RegDesk sends, from
// Asterisk's own registrations (main/manager.c, main/db.c, res/res_pjsip*.c): an action runs
// when the user has ANY ONE of its classes. Asterisk's `Permission denied` names neither the
// class nor the action; this table lets RegDesk name both.

const WRITE_CLASSES: Readonly<Record<string, readonly string[]>> = {
  // main/manager.c: ast_manager_register_xml_core("Getvar", EVENT_FLAG_CALL | EVENT_FLAG_REPORTING, ...)
  getvar: ['call', 'reporting'],
  // main/db.c: DBGet and DBGetTree EVENT_FLAG_SYSTEM | EVENT_FLAG_REPORTING; DBPut, DBDel, DBDelTree EVENT_FLAG_SYSTEM
  dbget: ['system', 'reporting'],
  dbgettree: ['system', 'reporting'],
  dbput: ['system'],
  dbdel: ['system'],
  dbdeltree: ['system'],
  // main/manager.c: Command EVENT_FLAG_COMMAND
  command: ['command'],
  // main/manager.c: CoreSettings and CoreStatus EVENT_FLAG_SYSTEM | EVENT_FLAG_REPORTING
  coresettings: ['system', 'reporting'],
  corestatus: ['system', 'reporting'],
};

/** res_pjsip's PJSIPShow* actions (endpoints, aors, contacts, registrations...) are EVENT_FLAG_SYSTEM. */
const PJSIP_SHOW = /^pjsipshow/;

/** The write classes that allow `action` (any one of them), or null when RegDesk does not know it. */
export function writeClassesFor(action: string): readonly string[] | null {
  const name = action.toLowerCase();
  if (PJSIP_SHOW.test(name)) return ['system'];
  return WRITE_CLASSES[name] ?? null;
}

/** `write = call or reporting`: what to give the AMI user in manager.conf for `action`. */
export function writeAdvice(action: string): string | null {
  const classes = writeClassesFor(action);
  return classes ? `write = ${classes.join(' or ')}` : null;
}
