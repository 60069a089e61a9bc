// Reads Asterisk's config file format (main/config.c): `[section]`, `[name](template,...)`,
// `[name](!)` templates, `[name](+)` additions, `key = value` / `key => value`, `;` comments
// (`\;` is a literal semicolon), `;-- ... --;` block comments and `#include` / `#tryinclude`.
// Repeated keys are all kept, in order: what they mean (last wins, or a list) is the caller's call.
import type { ConfigWarning } from './types';

export interface ConfSource {
  /** Shown in warnings: the file path (or name) the text came from. */
  file: string;
  text: string;
}

export interface ConfVar {
  key: string;
  value: string;
  file: string;
  line: number;
}

export interface ConfSection {
  name: string;
  /** `(!)`: a template, never an object of its own. */
  isTemplate: boolean;
  /** The section's own variables, after those inherited from its templates. */
  vars: ConfVar[];
  file: string;
  line: number;
}

/** Loads an `#include`d file, given as written, relative to the including file; null if unreadable. */
export type IncludeResolver = (target: string, fromFile: string) => ConfSource | null;

export interface ParsedConf {
  sections: ConfSection[];
  warnings: ConfigWarning[];
}

const MAX_INCLUDE_DEPTH = 10;

export function parseConfFile(source: ConfSource, resolveInclude?: IncludeResolver): ParsedConf {
  const sections: ConfSection[] = [];
  const byName = new Map<string, ConfSection>();
  const warnings: ConfigWarning[] = [];
  let current: ConfSection | null = null;

  const warn = (file: string, line: number, message: string): void => {
    warnings.push({ file, line, message });
  };

  const openSection = (header: string, file: string, line: number): void => {
    const m = /^\[([^\]]+)\]\s*(?:\(([^)]*)\))?\s*$/.exec(header);
    const name = m?.[1]?.trim();
    if (!m || !name) {
      warn(file, line, `malformed section header: ${header}`);
      current = null;
      return;
    }
    const flags = (m[2] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (flags.includes('+')) {
      const existing = byName.get(name);
      if (!existing) warn(file, line, `section [${name}](+) adds to a section that does not exist`);
      current = existing ?? null;
      return;
    }
    const section: ConfSection = { name, isTemplate: flags.includes('!'), vars: [], file, line };
    for (const template of flags.filter((f) => f !== '!')) {
      const base = byName.get(template);
      if (!base) warn(file, line, `section [${name}] inherits from unknown template '${template}'`);
      else section.vars.push(...base.vars);
    }
    // pjsip.conf routinely repeats a name ([phone1] type=endpoint, [phone1] type=aor): both stay.
    byName.set(name, section);
    sections.push(section);
    current = section;
  };

  const readText = (src: ConfSource, depth: number): void => {
    let inBlockComment = false;
    const lines = src.text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const lineNo = i + 1;
      let raw = lines[i]!;
      if (inBlockComment) {
        const end = raw.indexOf('--;');
        if (end === -1) continue;
        raw = raw.slice(end + 3);
        inBlockComment = false;
      }
      const blockStart = raw.indexOf(';--');
      if (blockStart !== -1) {
        const end = raw.indexOf('--;', blockStart + 3);
        if (end === -1) {
          inBlockComment = true;
          raw = raw.slice(0, blockStart);
        } else {
          raw = raw.slice(0, blockStart) + raw.slice(end + 3);
        }
      }
      const line = stripComment(raw).trim();
      if (line === '') continue;
      // Names and values end up in AMI headers, where a CR or NUL could forge one.
      if (/[\r\0]/.test(line)) {
        warn(src.file, lineNo, 'line contains a CR or NUL character; ignored');
        continue;
      }
      if (line.startsWith('#')) {
        const inc = /^#(try)?include\s+"?([^"]+?)"?\s*$/.exec(line);
        if (!inc) {
          warn(src.file, lineNo, `unknown directive: ${line}`);
          continue;
        }
        const optional = inc[1] === 'try';
        const target = inc[2]!;
        const included = depth < MAX_INCLUDE_DEPTH && resolveInclude ? resolveInclude(target, src.file) : null;
        if (included) readText(included, depth + 1);
        else if (!optional) warn(src.file, lineNo, `cannot include '${target}'`);
        continue;
      }
      if (line.startsWith('[')) {
        openSection(line, src.file, lineNo);
        continue;
      }
      const eq = line.indexOf('=');
      const key = eq === -1 ? '' : line.slice(0, eq).trim();
      if (eq === -1 || key === '') {
        warn(src.file, lineNo, `malformed line (expected key = value): ${line}`);
        continue;
      }
      // `key => value` is the same as `key = value` (main/config.c).
      const value = line.slice(eq + 1).replace(/^>/, '').trim();
      if (!current) {
        warn(src.file, lineNo, `'${key}' outside of any section`);
        continue;
      }
      (current as ConfSection).vars.push({ key, value, file: src.file, line: lineNo });
    }
  };

  readText(source, 0);
  return { sections, warnings };
}

/** Everything before an unescaped `;`, with `\;` turned into `;`. */
function stripComment(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && line[i + 1] === ';') {
      out += ';';
      i++;
    } else if (c === ';') {
      break;
    } else {
      out += c;
    }
  }
  return out;
}

/** The last variable given for `key`, as Asterisk's ast_variable_find_last_in_list. */
export function lastVar(vars: readonly ConfVar[], key: string): ConfVar | undefined {
  for (let i = vars.length - 1; i >= 0; i--) if (vars[i]!.key === key) return vars[i];
  return undefined;
}

export function lastValue(vars: readonly ConfVar[], key: string): string | undefined {
  return lastVar(vars, key)?.value;
}

/** Asterisk's ast_true (main/utils.c). */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(yes|true|y|t|1|on)$/i.test(value.trim());
}
