// manager.conf users (main/manager.c): every section but [general] is a user.
import { lastValue, type ConfSection } from './conf-file';
import type { ConfigWarning, ManagerGeneral, ManagerUser } from './types';

export function buildManagerUsers(sections: ConfSection[], warnings: ConfigWarning[]): ManagerUser[] {
  const users: ManagerUser[] = [];
  for (const section of sections) {
    if (section.isTemplate || section.name === 'general') continue;
    const secret = lastValue(section.vars, 'secret');
    if (secret === undefined) {
      // manager.c refuses a login for a user without a secret; keeping it would only mislead.
      warnings.push({ file: section.file, line: section.line, message: `manager user [${section.name}] has no secret` });
      continue;
    }
    users.push({
      name: section.name,
      secret,
      read: classList(section, 'read'),
      write: classList(section, 'write'),
      permit: section.vars.filter((v) => v.key === 'permit').map((v) => v.value),
      deny: section.vars.filter((v) => v.key === 'deny').map((v) => v.value),
    });
  }
  return users;
}

/** `read` / `write`: comma-separated class names; manager.c ORs every line given. */
function classList(section: ConfSection, key: 'read' | 'write'): string[] {
  const classes = section.vars
    .filter((v) => v.key === key)
    .flatMap((v) => v.value.split(','))
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '');
  return [...new Set(classes)];
}

/** [general] bindaddr and port: the sandbox's AMI listens where the admin's Asterisk would. */
export function buildManagerGeneral(sections: ConfSection[], warnings: ConfigWarning[]): ManagerGeneral {
  const general = sections.filter((s) => s.name === 'general' && !s.isTemplate).flatMap((s) => s.vars);
  const bindaddr = lastValue(general, 'bindaddr')?.trim() || null;
  const portText = lastValue(general, 'port')?.trim();
  let port: number | null = null;
  if (portText !== undefined) {
    const n = Number(portText);
    if (Number.isInteger(n) && n >= 1 && n <= 65535) port = n;
    else warnings.push({ file: 'manager.conf', line: 0, message: `[general] port = ${portText} is not a port number; using the default` });
  }
  return { bindaddr, port };
}
