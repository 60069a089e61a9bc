// Tests that drive a real external tool (sipp, baresip, Chromium) skip with a clear message
// where the tool is missing, except under CI=true, where a missing tool is a failure.
import { spawnSync } from 'node:child_process';

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** True when the suite may run; logs why not otherwise. Throws under CI when the tool is missing. */
export function requireTool(cmd: string, debianPackage: string): boolean {
  if (hasCommand(cmd)) return true;
  const message = `${cmd} not found (Debian package ${debianPackage}): the tests that need it are SKIPPED`;
  if (process.env.CI === 'true') throw new Error(`${message.replace(' are SKIPPED', ' cannot run')}, and CI=true requires them`);
  console.warn(message);
  return false;
}
