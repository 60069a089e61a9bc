// A bounded memo of a pure function of one string: cleared when full, so a long-running
// process with ever-new inputs keeps at most `max` results.

export function memoize<T>(compute: (key: string) => T, max: number): (key: string) => T {
  const results = new Map<string, T>();
  return (key) => {
    // One lookup for a remembered result; `has` only tells a remembered undefined from none.
    const known = results.get(key);
    if (known !== undefined || results.has(key)) return known as T;
    const value = compute(key);
    if (results.size >= max) results.clear();
    results.set(key, value);
    return value;
  };
}
