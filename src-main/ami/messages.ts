// One AMI block (`Key: Value` lines up to an empty line), fields kept in wire order with
// their original key case; duplicate keys (Command's `Output:` lines) stay in order.

export class AmiMessage {
  constructor(
    readonly keys: string[],
    readonly values: string[],
  ) {}

  /** First value of `name`. AMI keys are case-insensitive (manager.c astman_get_header uses
   *  strncasecmp); the exact-case pass first keeps the common path cheap. */
  get(name: string): string | undefined {
    const { keys, values } = this;
    for (let i = 0; i < keys.length; i++) if (keys[i] === name) return values[i];
    const lower = name.toLowerCase();
    for (let i = 0; i < keys.length; i++) if (keys[i]!.toLowerCase() === lower) return values[i];
    return undefined;
  }

  /** Every value of `name`, in wire order (e.g. all `Output` lines). */
  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i]!.toLowerCase() === lower) out.push(this.values[i]!);
    return out;
  }

  /** The `Event:` name, or undefined for a response. */
  get event(): string | undefined {
    return this.keys[0] === 'Event' ? this.values[0] : this.get('Event');
  }

  /** The `Response:` value (`Success`, `Error`, `Goodbye`, `Follows`), or undefined for an event. */
  get response(): string | undefined {
    return this.keys[0] === 'Response' ? this.values[0] : this.get('Response');
  }

  get actionId(): string | undefined {
    return this.get('ActionID');
  }

  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < this.keys.length; i++) if (!(this.keys[i]! in out)) out[this.keys[i]!] = this.values[i]!;
    return out;
  }
}
