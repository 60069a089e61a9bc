import { describe, expect, it } from 'vitest';
import { scrollToReveal, visibleWindow, windowSlots } from '../../../../src-renderer/lib/windowing';

describe('virtual list windowing', () => {
  it('renders only the rows in view plus the overscan, at 10,000 rows', () => {
    const view = visibleWindow(10_000, 36, 36 * 5000, 720, 8);
    expect(view.start).toBe(4992);
    expect(view.end).toBe(5000 + 21 + 8);
    expect(view.offset).toBe(4992 * 36);
    expect(view.total).toBe(360_000);
    expect(view.capacity).toBe(21 + 16);
  });

  it('keeps every window slot when the list is shorter than the viewport, vacant ones holding what they showed', () => {
    const view = visibleWindow(3, 36, 0, 360, 2);
    const first = windowSlots(['a', 'b', 'c'], view, [], '');
    expect(first).toHaveLength(view.capacity);
    expect(first.slice(0, 4)).toEqual([{ row: 'a', live: true }, { row: 'b', live: true }, { row: 'c', live: true }, { row: '', live: false }]);
    const narrowed = windowSlots(['b'], visibleWindow(1, 36, 0, 360, 2), first, '');
    expect(narrowed.slice(0, 4)).toEqual([{ row: 'b', live: true }, { row: 'b', live: false }, { row: 'c', live: false }, { row: '', live: false }]);
  });

  it('hands back the previous slot object where a slot shows the same row as before', () => {
    const rows = ['a', 'b', 'c', 'd'];
    const first = windowSlots(rows, visibleWindow(4, 36, 0, 360, 2), [], '');
    const next = windowSlots(['a', 'x', 'c'], visibleWindow(3, 36, 0, 360, 2), first, '');
    expect(next[0]).toBe(first[0]);
    expect(next[1]).toEqual({ row: 'x', live: true });
    expect(next[2]).toBe(first[2]);
    expect(next[3]).toEqual({ row: 'd', live: false });
    expect(next[4]).toBe(first[4]);
  });

  it('fills the slots from the first rendered row when scrolled far down', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => i);
    const view = visibleWindow(rows.length, 36, 36 * 500, 360, 2);
    const slots = windowSlots(rows, view, [], -1);
    expect(slots).toHaveLength(view.capacity);
    expect(slots[0]).toEqual({ row: 498, live: true });
    expect(slots.at(-1)).toEqual({ row: 498 + view.capacity - 1, live: true });
    expect(windowSlots([], visibleWindow(0, 36, 0, 360, 2), slots, -1).every((slot) => !slot.live)).toBe(true);
  });

  it('clamps at the top and at the bottom of the list', () => {
    expect(visibleWindow(100, 36, 0, 720, 8)).toMatchObject({ start: 0, end: 29 });
    expect(visibleWindow(100, 36, 36 * 100, 720, 8)).toMatchObject({ start: 92, end: 100 });
    expect(visibleWindow(0, 36, 0, 720)).toMatchObject({ start: 0, end: 0, total: 0 });
  });

  it('scrolls just enough to reveal a row above or below the viewport, and not at all when it is visible', () => {
    expect(scrollToReveal(2, 36, 360, 360)).toBe(72);
    expect(scrollToReveal(30, 36, 0, 360)).toBe(31 * 36 - 360);
    expect(scrollToReveal(5, 36, 0, 360)).toBe(0);
  });
});
