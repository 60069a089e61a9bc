// Loads the Sandbox PBX configuration from an Asterisk-style config directory or from texts.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parseConfFile, type ConfSource, type IncludeResolver } from './conf-file';
import { buildManagerGeneral, buildManagerUsers } from './manager';
import { buildPjsipObjects } from './pjsip';
import type { SandboxConfig } from './types';

/** Reads `pjsip.conf` (required), `pjsip_wizard.conf` and `manager.conf` (optional) from `dir`;
 *  `#include` paths are relative to the including file. */
export function loadSandboxConfig(dir: string): SandboxConfig {
  const pjsipPath = join(dir, 'pjsip.conf');
  const pjsip = readSource(pjsipPath);
  if (!pjsip) throw new Error(`cannot read ${pjsipPath}`);
  return buildConfig(pjsip, readSource(join(dir, 'pjsip_wizard.conf')), readSource(join(dir, 'manager.conf')), includeFromDisk);
}

/** The same from file contents (no `#include`: there is no directory to resolve it against). */
export function parseSandboxConfig(files: { pjsip: string; wizard?: string; manager?: string }): SandboxConfig {
  const source = (file: string, text: string | undefined): ConfSource | null => (text === undefined ? null : { file, text });
  return buildConfig({ file: 'pjsip.conf', text: files.pjsip }, source('pjsip_wizard.conf', files.wizard), source('manager.conf', files.manager));
}

function buildConfig(pjsip: ConfSource, wizard: ConfSource | null, manager: ConfSource | null, include?: IncludeResolver): SandboxConfig {
  const parse = (src: ConfSource | null) => (src ? parseConfFile(src, include) : { sections: [], warnings: [] });
  const p = parse(pjsip);
  const w = parse(wizard);
  const m = parse(manager);
  const warnings = [...p.warnings, ...w.warnings, ...m.warnings];
  const objects = buildPjsipObjects(p.sections, w.sections, warnings);
  const managerUsers = buildManagerUsers(m.sections, warnings);
  const managerGeneral = buildManagerGeneral(m.sections, warnings);
  return { ...objects, managerUsers, managerGeneral, warnings };
}

function readSource(path: string): ConfSource | null {
  try {
    return { file: path, text: readFileSync(path, 'utf8') };
  } catch {
    return null;
  }
}

const includeFromDisk: IncludeResolver = (target, fromFile) => readSource(isAbsolute(target) ? target : join(dirname(fromFile), target));
