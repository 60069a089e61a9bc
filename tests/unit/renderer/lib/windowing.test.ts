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

  it('keeps every window slot, vacant ones null, when the list is shorter than the viewport', () => {
    const rows = ['a', 'b', 'c'];
    const slots = windowSlots(rows, visibleWindow(rows.length, 36, 0, 360, 2));
    expect(slots).toEqual(['a', 'b', 'c', ...Array<null>(11 + 4 - 3).fill(null)]);
  });

  it('fills the slots from the first rendered row when scrolled far down', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => i);
    const view = visibleWindow(rows.length, 36, 36 * 500, 360, 2);
    const slots = windowSlots(rows, view);
    expect(slots).toHaveLength(view.capacity);
    expect(slots[0]).toBe(498);
    expect(slots.at(-1)).toBe(498 + view.capacity - 1);
    expect(windowSlots([], visibleWindow(0, 36, 0, 360, 2)).every((slot) => slot === null)).toBe(true);
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
