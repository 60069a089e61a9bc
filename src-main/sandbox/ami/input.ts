// Incoming AMI actions, read the way main/manager.c reads them (get_input, do_message,
// __astman_get_header): a 1024-byte line buffer, lines ended by CRLF or a bare LF, a line is a
// C string (it ends at its first NUL), at most 128 lines per message, a blank line ends it.
// Memory per connection stays bounded whatever the peer sends.

/** sizeof(mansession_session.inbuf) - 1. */
export const MAX_LINE_BYTES = 1024;
/** AST_MAX_MANAGER_HEADERS. */
export const MAX_HEADERS = 128;

export type AmiRequest =
  | { kind: 'action'; headers: string[] }
  /** A line overflowed the buffer: "Failed to parse message: line too long". */
  | { kind: 'lineTooLong'; headers: string[] }
  /** More than MAX_HEADERS lines: "Too many lines in message or allocation failure". */
  | { kind: 'tooManyLines'; headers: string[] };

export class AmiInputParser {
  private buffer = Buffer.alloc(0);
  private headers: string[] = [];
  private lineTooLong = false;
  private headerLoss = false;

  /** Feed bytes as they arrive; returns every request completed by them, in order. */
  push(chunk: Buffer): AmiRequest[] {
    const requests: AmiRequest[] = [];
    let data = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const lf = data.subarray(0, MAX_LINE_BYTES).indexOf(0x0a);
      if (lf !== -1) {
        const end = lf > 0 && data[lf - 1] === 0x0d ? lf - 1 : lf;
        const request = this.line(cString(data.subarray(0, end)));
        if (request) requests.push(request);
        data = data.subarray(lf + 1);
      } else if (data.length >= MAX_LINE_BYTES) {
        // get_input: the buffer is full and holds no line end. Asterisk drops it but for its last
        // byte (it may be the CR of a CRLF) and marks the message as broken.
        data = data.subarray(MAX_LINE_BYTES - 1);
        this.lineTooLong = true;
      } else {
        break;
      }
    }
    this.buffer = Buffer.from(data);
    return requests;
  }

  private line(text: string): AmiRequest | null {
    if (text !== '') {
      if (this.headers.length < MAX_HEADERS) this.headers.push(text);
      else this.headerLoss = true;
      return null;
    }
    const headers = this.headers;
    const kind = this.headerLoss ? 'tooManyLines' : this.lineTooLong ? 'lineTooLong' : 'action';
    this.headers = [];
    this.headerLoss = false;
    // handle_parse_error clears the too-long flag; a header loss leaves it for the next message.
    if (kind === 'lineTooLong') this.lineTooLong = false;
    return { kind, headers };
  }
}

function cString(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return (nul === -1 ? bytes : bytes.subarray(0, nul)).toString('utf8');
}

/**
 * __astman_get_header: the first line whose name matches case-insensitively and is followed
 * directly by ':', with the value's leading blanks (every byte below '!') skipped; '' when none.
 * `skipEmpty` passes over empty values (how Asterisk reads `Action`).
 */
export function getHeader(headers: readonly string[], name: string, opts: { skipEmpty?: boolean } = {}): string {
  const lower = name.toLowerCase();
  for (const line of headers) {
    if (line.length <= name.length || line[name.length] !== ':') continue;
    if (line.slice(0, name.length).toLowerCase() !== lower) continue;
    const value = skipBlanks(line.slice(name.length + 1));
    if (opts.skipEmpty && value === '') continue;
    return value;
  }
  return '';
}

function skipBlanks(text: string): string {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) < 33) i++;
  return text.slice(i);
}
