// Filtering the endpoint table as the admin types, within a frame at 10,000 rows: each row's
// lowercase search text is built once, a query that only adds to the previous one (a typed
// character, an extra word) narrows the previous result instead of scanning every row again, and
// deleting characters returns to results already computed.
import type { EndpointRow } from '../../src-main/core/types';

/** The rows in table order with their search texts, side by side; built once per sort or diff. */
export interface SearchIndex {
  readonly rows: readonly EndpointRow[];
  readonly texts: readonly string[];
}

// Rows are immutable (a diff replaces the object), so a row's text outlives re-sorts and diffs.
const searchTexts = new WeakMap<EndpointRow, string>();

function searchText(row: EndpointRow): string {
  let text = searchTexts.get(row);
  if (text === undefined) {
    text = `${row.endpoint} ${row.aors.join(' ')} ${row.newestUserAgent ?? ''}`.toLowerCase();
    searchTexts.set(row, text);
  }
  return text;
}

export function searchIndex(rows: readonly EndpointRow[]): SearchIndex {
  return { rows, texts: rows.map(searchText) };
}

/** The lowercase words of a query; a row matches when its text contains every one. */
export function queryWords(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

/** Whether every row matching `narrower` also matches `wider`: each wider word lies inside a narrower word. */
export function narrows(narrower: readonly string[], wider: readonly string[]): boolean {
  return wider.every((w) => narrower.some((n) => n.includes(w)));
}

interface FilterResult {
  index: SearchIndex;
  words: string[];
  /** The words joined by one space: equal keys, equal queries. */
  key: string;
  /** Positions in index.rows of the matching rows, ascending; null when every row matches. */
  positions: number[] | null;
  rows: readonly EndpointRow[];
}

// An indexed loop, not for-of: this runs 10,000 times per keystroke, and on a page's first
// keystroke in V8's interpreter, where each for-of allocates an iterator.
function matches(text: string, words: readonly string[]): boolean {
  for (let w = 0; w < words.length; w++) if (!text.includes(words[w]!)) return false;
  return true;
}

/**
 * Rows whose endpoint, an AOR or the newest user agent contains every word of the query, in
 * index order. Remembers the results of the query being typed and of each shorter query it grew
 * from (each narrowing the one before): the same query gives the same array (so nothing
 * downstream re-renders), a typed character scans only the rows that matched before, and a
 * deleted character gives back the result it had, without scanning.
 */
export class RowFilter {
  /** Results for one index, widest first, each query narrowing the one before it. */
  private chain: FilterResult[] = [];

  apply(index: SearchIndex, query: string): readonly EndpointRow[] {
    const words = queryWords(query);
    const key = words.join(' ');
    if (this.chain[0]?.index !== index) this.chain = [];
    // Results the query does not narrow belong to characters since deleted (or replaced).
    while (this.chain.length > 0 && !narrows(words, this.chain.at(-1)!.words)) this.chain.pop();
    const widerOrSame = this.chain.at(-1);
    if (widerOrSame?.key === key) return widerOrSame.rows;
    const result = scan(index, words, key, widerOrSame?.positions ?? null);
    this.chain.push(result);
    return result.rows;
  }
}

/**
 * The rows among `candidates` (every row when null) matching all the words (any row when there
 * are none). When every row matches, as for the first letters typed, the index's own array is the
 * result: no 10,000-element copies to allocate and collect on those keystrokes.
 */
function scan(index: SearchIndex, words: string[], key: string, candidates: readonly number[] | null): FilterResult {
  const positions: number[] = [];
  const { texts } = index;
  const count = candidates === null ? texts.length : candidates.length;
  for (let k = 0; k < count; k++) {
    const i = candidates === null ? k : candidates[k]!;
    if (matches(texts[i]!, words)) positions.push(i);
  }
  if (positions.length === texts.length) return { index, words, key, positions: null, rows: index.rows };
  return { index, words, key, positions, rows: positions.map((i) => index.rows[i]!) };
}
