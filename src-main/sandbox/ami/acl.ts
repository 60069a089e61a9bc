// A manager.conf user's permit/deny lines (main/acl.c ast_apply_ha): every rule that matches the
// peer's address sets the verdict, the last match wins, no match allows. The contract keeps
// permit and deny lines in separate lists, so deny rules are applied first and permit rules
// after them: the order of the usual "deny everything, permit these" configuration. A line that
// is not an address or mask makes the user unusable, as Asterisk deletes such a user.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

interface Rule {
  allow: boolean;
  subnet: BlockList;
}

export class ManagerAcl {
  private readonly rules: Rule[] | null;

  constructor(permit: readonly string[], deny: readonly string[]) {
    try {
      this.rules = [...deny.map((r) => rule(r, false)), ...permit.map((r) => rule(r, true))];
    } catch {
      this.rules = null;
    }
  }

  allows(address: string): boolean {
    if (this.rules === null) return false;
    const addr = unmapped(address);
    const family = isIPv4(addr) ? 'ipv4' : 'ipv6';
    let allowed = true;
    for (const r of this.rules) {
      if (r.subnet.check(addr, family)) allowed = r.allow;
    }
    return allowed;
  }
}

/** `addr`, `addr/bits` or `addr/dotted-mask`, as ast_append_ha reads them. */
function rule(text: string, allow: boolean): Rule {
  const [addr = '', mask] = text.trim().split('/');
  const family = isIPv4(addr) ? 'ipv4' : isIPv6(addr) ? 'ipv6' : null;
  if (!family) throw new Error(`manager.conf ACL: not an address: ${JSON.stringify(text)}`);
  const bits = mask === undefined ? (family === 'ipv4' ? 32 : 128) : prefixLength(mask, text);
  const subnet = new BlockList();
  subnet.addSubnet(addr, bits, family);
  return { allow, subnet };
}

function prefixLength(mask: string, text: string): number {
  if (/^\d+$/.test(mask)) return Number(mask);
  if (!isIPv4(mask)) throw new Error(`manager.conf ACL: bad mask in ${JSON.stringify(text)}`);
  const value = mask.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const binary = value.toString(2).padStart(32, '0');
  if (!/^1*0*$/.test(binary)) throw new Error(`manager.conf ACL: non-contiguous mask in ${JSON.stringify(text)}`);
  return binary.indexOf('0') === -1 ? 32 : binary.indexOf('0');
}

/** An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d; ACLs name it as a.b.c.d. */
export function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}
