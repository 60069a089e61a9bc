import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AstDb, PERSIST_DELAY_MS } from '../../../src-main/sandbox/astdb';

describe('AstDb', () => {
  it('lists a family with full-path keys in key order, as DBGetTree does', () => {
    const db = new AstDb();
    db.put('registrar/contact', 'phone1;@bb', 'B');
    db.put('registrar/contact', 'phone1;@aa', 'A');
    db.put('registrar/contactx', 'k', 'not in the family');
    db.put('other', 'k', 'O');
    expect(db.tree('registrar/contact')).toEqual([
      { key: '/registrar/contact/phone1;@aa', value: 'A' },
      { key: '/registrar/contact/phone1;@bb', value: 'B' },
    ]);
    expect(db.tree().map((e) => e.key)).toEqual(['/other/k', '/registrar/contact/phone1;@aa', '/registrar/contact/phone1;@bb', '/registrar/contactx/k']);
    expect(db.get('registrar/contact', 'phone1;@aa')).toBe('A');
  });

  it('deletes one key (false when missing) or a whole tree (with the count)', () => {
    const db = new AstDb();
    db.put('registrar/contact', 'a', '1');
    db.put('registrar/contact', 'b', '2');
    db.put('registrar', 'x', '3');
    expect(db.del('registrar/contact', 'a')).toBe(true);
    expect(db.del('registrar/contact', 'a')).toBe(false);
    expect(db.delTree('registrar/contact')).toBe(1);
    expect(db.delTree('registrar')).toBe(1);
    expect(db.tree()).toEqual([]);
  });

  describe('persistence', () => {
    let dir = '';
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('keeps entries across a restart, written atomically', async () => {
      dir = mkdtempSync(join(tmpdir(), 'regdesk-astdb-'));
      const file = join(dir, 'astdb.json');
      const db = new AstDb(file);
      db.put('registrar/contact', 'phone1;@aa', '{"uri":"sip:a"}');
      db.put('registrar/contact', 'phone1;@bb', 'gone soon');
      db.del('registrar/contact', 'phone1;@bb');
      await new Promise((r) => setTimeout(r, PERSIST_DELAY_MS + 100)); // the coalesced write
      expect(readdirSync(dir)).toEqual(['astdb.json']);
      expect(new AstDb(file).tree()).toEqual([{ key: '/registrar/contact/phone1;@aa', value: '{"uri":"sip:a"}' }]);
    });

    it('flush writes pending changes at once', () => {
      dir = mkdtempSync(join(tmpdir(), 'regdesk-astdb-'));
      const file = join(dir, 'astdb.json');
      const db = new AstDb(file);
      db.put('f', 'k', 'v');
      db.flush();
      expect(existsSync(file)).toBe(true);
      expect(new AstDb(file).get('f', 'k')).toBe('v');
    });
  });
});

describe('AstDb prefix listing', () => {
  it('lists only the keys of a family that start with a prefix, as ast_db_gettree_by_prefix', () => {
    const db = new AstDb();
    db.put('registrar/contact', 'phone10;@cc', '3');
    db.put('registrar/contact', 'phone1;@bb', '2');
    db.put('registrar/contact', 'phone1;@aa', '1');
    expect(db.treeByPrefix('registrar/contact', 'phone1;@')).toEqual([
      { key: '/registrar/contact/phone1;@aa', value: '1' },
      { key: '/registrar/contact/phone1;@bb', value: '2' },
    ]);
  });
});
