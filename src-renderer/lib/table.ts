// Sorting of the endpoint table (filtering: search.ts): presentation only, the rows arrive computed.
import type { ContactStatus, EndpointRow } from '../../src-main/core/types';

export type SortKey = 'endpoint' | 'contacts' | 'status' | 'userAgent';
export interface SortOrder {
  key: SortKey;
  descending: boolean;
}

const statusRank: Record<ContactStatus, number> = { Unreachable: 3, Unknown: 2, Reachable: 1, NonQualified: 0 };

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compare(a: EndpointRow, b: EndpointRow, key: SortKey): number {
  switch (key) {
    case 'endpoint':
      return collator.compare(a.endpoint, b.endpoint);
    case 'contacts':
      // Fullest first is the interesting order: by fill ratio, then by count.
      return a.contacts / Math.max(a.maxContacts, 1) - b.contacts / Math.max(b.maxContacts, 1) || a.contacts - b.contacts;
    case 'status':
      return (a.worstStatus === null ? -1 : statusRank[a.worstStatus]) - (b.worstStatus === null ? -1 : statusRank[b.worstStatus]);
    case 'userAgent':
      return collator.compare(a.newestUserAgent ?? '', b.newestUserAgent ?? '');
  }
}

/** A stable sort; ties fall back to the endpoint name so the order never jumps. */
export function sortRows(rows: EndpointRow[], order: SortOrder): EndpointRow[] {
  const sign = order.descending ? -1 : 1;
  return rows.sort((a, b) => sign * compare(a, b, order.key) || collator.compare(a.endpoint, b.endpoint));
}
