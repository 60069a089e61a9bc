// Strings cut from the wire that outlive the chunk they were read from.

/**
 * `text` with its own memory, as one flat string. A value the reader cut from a chunk's text
 * is, from 13 characters on, a V8 sliced string that keeps the whole 64 KB chunk alive: a
 * synced state then held every chunk of the contact list (10.7 MB of wire text for 20,000
 * contacts, copied by each young-generation collection it survived). Array join writes its
 * parts into a new flat string; the usual `(' ' + text).slice(1)` would keep two objects per
 * value (a flat copy and a slice of it: 1.8 MB more per 20,000-contact sync).
 */
export function ownText(text: string): string {
  return text.length < 13 ? text : [text.slice(0, 1), text.slice(1)].join('');
}
