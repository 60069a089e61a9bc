// The Sandbox AstDB under 20,000 seeded random puts, deletes and tree deletes, checked after
// every step against a plain model (a Map, sorted on every read): tree, treeByPrefix and get
// answer the same keys, values and key order (main/db.c reads its SQLite table in key order).
// Guards the sorted-key index that keeps a REGISTER from scanning the whole key space.
import { describe, expect, it } from 'vitest';
import { AstDb } from '../../src-main/sandbox/astdb';
import { prng } from '../support/prng';

describe('the Sandbox AstDB key order under random changes', () => {
  it('answers tree, treeByPrefix, get and delTree as a sorted map would', () => {
    const random = prng(9);
    const db = new AstDb();
    const model = new Map<string, string>();
    const families = ['registrar/contact', 'registrar', 'SIP/Registry', 'cidname'];
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const key = () => `${pick(['phone1', 'phone10', 'phone2', 'ep', 'Ep', 'p'])}${pick([';@', ';', '/', ''])}${Math.floor(random() * 60).toString(16)}`;
    const sorted = (prefix: string) => [...model].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, value]) => ({ key: k, value }));
    for (let step = 0; step < 20_000; step++) {
      const family = pick(families);
      const k = key();
      const roll = random();
      if (roll < 0.55) {
        db.put(family, k, `v${step}`);
        model.set(`/${family}/${k}`, `v${step}`);
      } else if (roll < 0.9) {
        expect(db.del(family, k)).toBe(model.delete(`/${family}/${k}`));
      } else if (roll < 0.93) {
        const prefix = `/${family}/${k}`;
        const gone = [...model.keys()].filter((x) => x === prefix || x.startsWith(`${prefix}/`));
        gone.forEach((x) => model.delete(x));
        expect(db.delTree(family, k)).toBe(gone.length);
      }
      expect(db.get(family, k)).toBe(model.get(`/${family}/${k}`));
      if (step % 50 === 0) {
        expect(db.tree()).toEqual(sorted('/'));
        expect(db.tree(family)).toEqual(sorted(`/${family}/`));
        const keyPrefix = k.slice(0, 1 + Math.floor(random() * k.length));
        expect(db.treeByPrefix(family, keyPrefix)).toEqual(sorted(`/${family}/${keyPrefix}`));
      }
    }
    expect(model.size).toBeGreaterThan(100);
  });
});
