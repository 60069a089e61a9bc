import { describe, expect, it } from 'vitest';
import { scrollToReveal, visibleWindow } from '../../../../src-renderer/lib/windowing';

describe('virtual list windowing', () => {
  it('renders only the rows in view plus the overscan, at 10,000 rows', () => {
    const view = visibleWindow(10_000, 36, 36 * 5000, 720, 8);
    expect(view.start).toBe(4992);
    expect(view.end).toBe(5000 + 21 + 8);
    expect(view.offset).toBe(4992 * 36);
    expect(view.total).toBe(360_000);
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
