// Which rows of a fixed-row-height list are in view. Written here rather than taken from a
// library: with fixed heights it is a few lines, and the maintained virtualisers for Svelte are
// built on Svelte 4 stores rather than runes.

export interface RowWindow {
  /** First rendered row index. */
  start: number;
  /** One past the last rendered row index. */
  end: number;
  /** Pixel offset of the first rendered row. */
  offset: number;
  /** Height of the whole list in pixels. */
  total: number;
  /** The most rows this viewport ever renders: the window's DOM rows, kept while the list shrinks. */
  capacity: number;
}

export function visibleWindow(rowCount: number, rowHeight: number, scrollTop: number, viewportHeight: number, overscan = 8): RowWindow {
  const first = Math.floor(Math.max(scrollTop, 0) / rowHeight);
  const inView = Math.ceil(Math.max(viewportHeight, rowHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(first - overscan, rowCount));
  const end = Math.min(rowCount, first + inView + overscan);
  return { start, end: Math.max(start, end), offset: start * rowHeight, total: rowCount * rowHeight, capacity: inView + 2 * overscan };
}

/** The scrollTop that brings row `index` fully into view, or the current one if it already is. */
export function scrollToReveal(index: number, rowHeight: number, scrollTop: number, viewportHeight: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return scrollTop;
}

export interface WindowSlot<T> {
  row: T;
  /** False for a vacant slot: hidden, still holding the row it last showed. */
  live: boolean;
}

/**
 * What each of the window's `capacity` DOM rows shows: row start + i, or, when the list is
 * shorter, a vacant slot keeping the row it showed before (`empty` if none). Vacant rows stay in
 * the DOM, hidden: a filter that shrinks the list and then regrows it (a typo, a backspace) only
 * changes what differs in existing rows, never builds or tears down DOM.
 */
export function windowSlots<T>(rows: readonly T[], view: RowWindow, previous: ReadonlyArray<WindowSlot<T>>, empty: T): Array<WindowSlot<T>> {
  return Array.from({ length: Math.max(view.capacity, view.end - view.start) }, (_, i) => {
    const before = previous[i];
    const live = view.start + i < view.end;
    const row = live ? rows[view.start + i]! : (before?.row ?? empty);
    // The same slot object when nothing changed, so the row's DOM is not even revisited.
    return before !== undefined && before.row === row && before.live === live ? before : { row, live };
  });
}
