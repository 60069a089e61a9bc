// One AMI block (`Key: Value` lines up to an empty line), fields kept in wire order with
// their original key case; duplicate keys (Command's `Output:` lines) stay in order. Blocks
// of the same shape may share one `keys` array (see AmiReader), hence readonly.

export class AmiMessage {
  constructor(
    readonly keys: readonly string[],
    readonly values: readonly string[],
    /** `keys` is the previous block's array too: this block is one of a run of the same shape. */
    private readonly sharesKeys = false,
  ) {}

  /** First value of `name`. AMI keys are case-insensitive (manager.c astman_get_header uses
   *  strncasecmp). */
  get(name: string): string | undefined {
    const at = this.sharesKeys ? indexOfSharedKey(this.keys, name) : scanForKey(this.keys, name);
    return at === -1 ? undefined : this.values[at];
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

/**
 * Where `name` first sits in `keys` (-1 if absent), remembered for the last shared keys array
 * asked about. A sync asks about 20 fields of each of 40,000 list items, and AmiReader hands
 * every item of a list the same keys array, so each field is looked for once per list, not once
 * per item (the scan was a tenth of a sync). A block of its own shape (live events of
 * alternating kinds) is scanned: indexing it would cost more than it saves.
 */
function indexOfSharedKey(keys: readonly string[], name: string): number {
  if (keys !== layoutKeys) {
    layoutKeys = keys;
    layout = new Map();
  }
  let at = layout.get(name);
  if (at === undefined) {
    at = scanForKey(keys, name);
    layout.set(name, at);
  }
  return at;
}

let layoutKeys: readonly string[] | null = null;
let layout = new Map<string, number>();

function scanForKey(keys: readonly string[], name: string): number {
  for (let i = 0; i < keys.length; i++) if (sameKey(keys[i]!, name)) return i;
  return -1;
}

/** ASCII case-insensitive equality of two header names, without allocating (lower-casing
 *  every key was most of the garbage the reader made). */
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
