// The Sandbox's AstDB: Asterisk's main/db.c key space, `/<family>/<key>` -> value, listed in key
// order as its SQLite table is. Optional persistence to a JSON file, written atomically (temp
// file + rename) at most once per PERSIST_DELAY_MS after changes (and on flush), so registrations
// survive a restart as Asterisk's do without a flood of REGISTERs rewriting the file for each one.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** Longest time a change waits before it is written to the file. */
export const PERSIST_DELAY_MS = 1000;

export class AstDb {
  private readonly entries = new Map<string, string>();
  /** Every key, in order: prefix reads are a binary search and a walk over their own rows, not a
   *  scan and sort of the whole key space (a REGISTER reads one AOR's rows out of tens of thousands). */
  private readonly sortedKeys: string[] = [];
  private pendingWrite: NodeJS.Timeout | null = null;

  /** Loads `file` when given and present; every later change is written back to it. */
  constructor(private readonly file?: string) {
    if (!file) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return; // first start: nothing stored yet
    }
    const stored: unknown = JSON.parse(text);
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) throw new Error(`${file}: not an AstDB snapshot`);
    for (const [key, value] of Object.entries(stored)) {
      if (typeof value === 'string') this.entries.set(key, value);
    }
    this.sortedKeys.push(...[...this.entries.keys()].sort(byKey));
  }

  get(family: string, key: string): string | undefined {
    return this.entries.get(fullKey(family, key));
  }

  put(family: string, key: string, value: string): void {
    const path = fullKey(family, key);
    if (!this.entries.has(path)) this.sortedKeys.splice(this.lowerBound(path), 0, path);
    this.entries.set(path, value);
    this.changed();
  }

  /** True when the key existed (DBDel answers `Database entry could not be deleted` otherwise). */
  del(family: string, key: string): boolean {
    return this.deletePath(fullKey(family, key));
  }

  /** Deletes `/family/key` and everything under it, or the whole family; returns how many went. */
  delTree(family: string, key?: string): number {
    const prefix = key ? fullKey(family, key) : `/${family}`;
    const gone = [...this.keysWithPrefix(prefix)].filter((k) => k === prefix || k.startsWith(prefix + '/'));
    for (const k of gone) this.deletePath(k);
    return gone.length;
  }

  /** Entries under `family` (all when omitted), keys as full paths, in key order (main/db.c). */
  tree(family?: string): Array<{ key: string; value: string }> {
    return this.withPrefix(family ? `/${family}/` : '/');
  }

  /** Entries of `family` whose key starts with `keyPrefix` (ast_db_gettree_by_prefix), e.g. one
   *  AOR's contacts: family registrar/contact, prefix `phone1;@`. */
  treeByPrefix(family: string, keyPrefix: string): Array<{ key: string; value: string }> {
    return this.withPrefix(fullKey(family, keyPrefix));
  }

  private deletePath(path: string): boolean {
    if (!this.entries.delete(path)) return false;
    this.sortedKeys.splice(this.lowerBound(path), 1);
    this.changed();
    return true;
  }

  private withPrefix(prefix: string): Array<{ key: string; value: string }> {
    return [...this.keysWithPrefix(prefix)].map((key) => ({ key, value: this.entries.get(key)! }));
  }

  private *keysWithPrefix(prefix: string): Generator<string> {
    for (let i = this.lowerBound(prefix); i < this.sortedKeys.length && this.sortedKeys[i]!.startsWith(prefix); i++) yield this.sortedKeys[i]!;
  }

  /** Index of the first key >= `key`. */
  private lowerBound(key: string): number {
    let low = 0;
    let high = this.sortedKeys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.sortedKeys[mid]! < key) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Writes pending changes to the file now (call before exit). */
  flush(): void {
    if (!this.pendingWrite || !this.file) return;
    clearTimeout(this.pendingWrite);
    this.pendingWrite = null;
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(Object.fromEntries(this.entries)));
    renameSync(temp, this.file);
  }

  private changed(): void {
    if (this.file && !this.pendingWrite) this.pendingWrite = setTimeout(() => this.flush(), PERSIST_DELAY_MS);
  }
}

function fullKey(family: string, key: string): string {
  return `/${family}/${key}`;
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
