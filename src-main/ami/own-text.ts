// Strings cut from the wire that outlive the chunk they were read from.

/**
 * `text` with its own memory. A value the reader cut from a chunk's text is, from 13
 * characters on, a V8 sliced string that keeps the whole 64 KB chunk alive: a synced state
 * then held every chunk of the contact list (10.7 MB of wire text for 20,000 contacts, copied
 * by each young-generation collection it survived). Concatenating one character and slicing it
 * off again makes V8 flatten a copy of just this value.
 */
export function ownText(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}
