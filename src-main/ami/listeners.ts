// A set of listeners where one that throws cannot break the loop that notifies them (the
// socket reader, the session, the services): its error goes to `onError` and the rest still run.

export class Listeners<Args extends unknown[]> {
  private readonly set = new Set<(...args: Args) => void>();

  constructor(private readonly onError: (error: unknown) => void = () => {}) {}

  get size(): number {
    return this.set.size;
  }

  /** Returns the unsubscribe function. */
  add(listener: (...args: Args) => void): () => boolean {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(...args: Args): void {
    for (const listener of this.set) Listeners.callSafely(listener, args, this.onError);
  }

  /** Call one listener with the same isolation (e.g. to replay what it missed). */
  emitTo(listener: (...args: Args) => void, ...args: Args): void {
    Listeners.callSafely(listener, args, this.onError);
  }

  clear(): void {
    this.set.clear();
  }

  private static callSafely<A extends unknown[]>(listener: (...args: A) => void, args: A, onError: (error: unknown) => void): void {
    try {
      listener(...args);
    } catch (error) {
      try {
        onError(error);
      } catch {
        // The error handler itself failed: nowhere left to report; the caller goes on.
      }
    }
  }
}
