// A bounded memo of a pure function of one string: cleared when full, so a long-running
// process with ever-new inputs keeps at most `max` results.

export function memoize<T>(compute: (key: string) => T, max: number): (key: string) => T {
  const results = new Map<string, T>();
  return (key) => {
    if (results.has(key)) return results.get(key) as T;
    const value = compute(key);
    if (results.size >= max) results.clear();
    results.set(key, value);
    return value;
  };
}
