// One AMI block (`Key: Value` lines up to an empty line), fields kept in wire order with
// their original key case; duplicate keys (Command's `Output:` lines) stay in order.

export class AmiMessage {
  constructor(
    readonly keys: string[],
    readonly values: string[],
  ) {}

  /** First value of `name`. AMI keys are case-insensitive (manager.c astman_get_header uses
   *  strncasecmp). Compared without allocating: this runs several times for each of the
   *  tens of thousands of blocks a sync reads, and lower-casing every key was most of the
   *  garbage the reader made. */
  get(name: string): string | undefined {
    const { keys, values } = this;
    for (let i = 0; i < keys.length; i++) if (sameKey(keys[i]!, name)) return values[i];
    return undefined;
  }

  /** Every value of `name`, in wire order (e.g. all `Output` lines). */
  getAll(name: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) if (sameKey(this.keys[i]!, name)) out.push(this.values[i]!);
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

/** ASCII case-insensitive equality of two header names, without allocating. */
function sameKey(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const lower = x | 0x20;
    if (lower !== (y | 0x20) || lower < 0x61 || lower > 0x7a) return false;
  }
  return true;
}
