import { describe, expect, it } from 'vitest';
import type { EndpointRow } from '../../../../src-main/core/types';
import { row } from './rows';
import { narrows, queryWords, RowFilter, searchIndex } from '../../../../src-renderer/lib/search';

const names = (rows: readonly EndpointRow[]): string[] => rows.map((r) => r.endpoint);

describe('endpoint table filter', () => {
  const rows = [
    row('phone10', { newestUserAgent: 'Grandstream GXP1625' }),
    row('phone2', { newestUserAgent: 'Zoiper 5' }),
    row('phone1', { aors: ['desk-1'], newestUserAgent: 'Yealink T46U' }),
  ];

  it('matches every word against the endpoint, its AORs and the newest user agent, ignoring case', () => {
    const index = searchIndex(rows);
    expect(names(new RowFilter().apply(index, 'grandstream'))).toEqual(['phone10']);
    expect(names(new RowFilter().apply(index, 'DESK'))).toEqual(['phone1']);
    expect(names(new RowFilter().apply(index, 'phone zoiper'))).toEqual(['phone2']);
    expect(names(new RowFilter().apply(index, '   '))).toEqual(['phone10', 'phone2', 'phone1']);
  });

  it('keeps the index order (the sort) in its result', () => {
    const index = searchIndex([rows[2]!, rows[0]!, rows[1]!]);
    expect(names(new RowFilter().apply(index, 'phone'))).toEqual(['phone1', 'phone10', 'phone2']);
  });

  it('gives the same array for the same index and query, so nothing downstream re-renders', () => {
    const filter = new RowFilter();
    const index = searchIndex(rows);
    const first = filter.apply(index, 'phone1');
    expect(filter.apply(index, ' PHONE1 ')).toBe(first);
    expect(filter.apply(searchIndex(rows), 'phone1')).not.toBe(first);
  });

  it('returns the index rows themselves, not a copy, when every row matches', () => {
    const index = searchIndex(rows);
    const filter = new RowFilter();
    expect(filter.apply(index, 'p')).toBe(index.rows);
    expect(filter.apply(index, 'ph')).toBe(index.rows);
    expect(names(filter.apply(index, 'phone1'))).toEqual(['phone10', 'phone1']);
    expect(filter.apply(index, '')).toBe(index.rows);
  });

  it('a word inside a word of the new query, or a dropped word, is a narrowing; a changed word is not', () => {
    expect(narrows(queryWords('ep0999'), queryWords('ep099'))).toBe(true);
    expect(narrows(queryWords('ep09 grand'), queryWords('ep09'))).toBe(true);
    expect(narrows(queryWords('ep09'), queryWords('ep09 grand'))).toBe(false);
    expect(narrows(queryWords('ep098'), queryWords('ep099'))).toBe(false);
    expect(narrows(queryWords('ep0'), queryWords(''))).toBe(true);
  });

  it('typing, deleting and retyping over 10,000 rows gives at each keystroke what a fresh scan gives', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      row(`ep${String(i + 1).padStart(5, '0')}`, { newestUserAgent: i % 7 === 0 ? 'Yealink T46U' : 'Zoiper 5' }),
    );
    const index = searchIndex(many);
    const typing = new RowFilter();
    const keystrokes = ['e', 'ep', 'ep0', 'ep09', 'ep099', 'ep0999', 'ep099', 'ep09', 'ep09 ', 'ep09 y', 'ep09 ye', 'ep09 y', 'ep09', 'ep1', 'ep12', ''];
    for (const query of keystrokes) {
      const words = queryWords(query);
      const fresh = many.filter((r) => words.every((w) => `${r.endpoint} ${r.aors.join(' ')} ${r.newestUserAgent ?? ''}`.toLowerCase().includes(w)));
      expect(names(typing.apply(index, query)), query).toEqual(names(fresh));
    }
    expect(names(typing.apply(index, 'ep0999'))).toEqual(['ep09990', 'ep09991', 'ep09992', 'ep09993', 'ep09994', 'ep09995', 'ep09996', 'ep09997', 'ep09998', 'ep09999']);
  });

  it('a deleted character gives back the result the shorter query had, the same array, and retyping narrows again', () => {
    const filter = new RowFilter();
    const index = searchIndex(rows);
    const phone = filter.apply(index, 'phone');
    const phone1 = filter.apply(index, 'phone1');
    expect(names(filter.apply(index, 'phone10'))).toEqual(['phone10']);
    expect(filter.apply(index, 'phone1')).toBe(phone1);
    expect(filter.apply(index, 'phone')).toBe(phone);
    expect(names(filter.apply(index, 'phone2'))).toEqual(['phone2']);
    // A replaced character (phone2 to phone1) goes back to the widest result it narrows, not to phone2's.
    expect(names(filter.apply(index, 'phone1'))).toEqual(['phone10', 'phone1']);
    expect(names(filter.apply(index, 'phone1 yealink'))).toEqual(['phone1']);
    expect(filter.apply(index, 'phone')).toBe(phone);
  });

  it('a new index (a live diff) is filtered afresh, not narrowed from rows of the old one', () => {
    const filter = new RowFilter();
    expect(names(filter.apply(searchIndex(rows), 'phone1'))).toEqual(['phone10', 'phone1']);
    const updated = searchIndex([...rows, row('phone11')]);
    expect(names(filter.apply(updated, 'phone11'))).toEqual(['phone11']);
  });
});
