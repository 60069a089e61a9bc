import { describe, expect, it } from 'vitest';
import { memoize } from '../../../src-main/core/memo';

describe('memoize', () => {
  it('computes each key once while it is remembered', () => {
    const computed: string[] = [];
    const upper = memoize((key) => (computed.push(key), key.toUpperCase()), 10);
    expect([upper('a'), upper('b'), upper('a')]).toEqual(['A', 'B', 'A']);
    expect(computed).toEqual(['a', 'b']);
  });

  it('remembers a falsy or undefined result as a result', () => {
    let calls = 0;
    const nothing = memoize(() => (calls++, undefined), 10);
    nothing('x');
    nothing('x');
    expect(calls).toBe(1);
  });

  it('keeps at most max results: when full it forgets them and computes again', () => {
    let calls = 0;
    const length = memoize((key) => (calls++, key.length), 2);
    length('a');
    length('bb');
    length('ccc'); // full: forgets a and bb
    length('a');
    expect(calls).toBe(4);
  });
});
