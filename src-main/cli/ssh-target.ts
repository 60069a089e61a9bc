// `--ssh [user@]host[:port]`, read as ssh reads its destination: the user defaults to the
// local one, the port to 22, and an IPv6 address with a port goes in brackets ([2001:db8::5]:2222).
export interface SshTarget {
  user: string;
  host: string;
  port: number;
}

/** The target, or an error message for the usage line. */
export function parseSshTarget(text: string, localUser: string): SshTarget | string {
  const at = text.lastIndexOf('@');
  const user = at >= 0 ? text.slice(0, at) : localUser;
  const rest = at >= 0 ? text.slice(at + 1) : text;
  let host = rest;
  let portText: string | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2] ?? null;
  } else if (rest.split(':').length === 2) {
    [host, portText] = rest.split(':') as [string, string];
  }
  const port = portText === null ? 22 : Number(portText);
  if (!user || !host || /[\s/@]/.test(host) || !Number.isInteger(port) || port < 1 || port > 65535) {
    return `invalid --ssh ${JSON.stringify(text)}: expected [user@]host[:port]`;
  }
  return { user, host, port };
}
