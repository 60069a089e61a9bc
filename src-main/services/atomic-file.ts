// Small JSON files that must never be half-written: write a temporary file, fsync it,
// rename it over the old one, fsync the folder. A full disk or a crash leaves the previous
// version intact and reports a clear error.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { ServiceFailure } from './api';

export function writeFileAtomic(path: string, contents: string, mode = 0o600): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, 'w', mode);
    try {
      writeSync(fd, contents);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    syncFolder(dir);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new ServiceFailure('storage', `could not save ${path}: ${(err as Error).message}`);
  }
}

function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems (and Windows) cannot fsync a folder; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Read a JSON file, or `fallback` when it does not exist yet. A corrupt file is an error, not silently replaced. */
export function readJsonFile<T>(path: string, fallback: T): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new ServiceFailure('storage', `could not read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ServiceFailure('storage', `${path} is not valid JSON; fix or remove it`);
  }
}
