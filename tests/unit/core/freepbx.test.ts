import { describe, expect, it } from 'vitest';
import { looksLikeFreePbx } from '../../../src-main/core/freepbx';
import type { Endpoint } from '../../../src-main/core/types';

const endpoint = (name: string, auths: string[]): Endpoint => ({ name, aors: [name], deviceState: 'Unavailable', auths });

describe('FreePBX detection', () => {
  it('recognises extensions whose auth is <N>-auth, as FreePBX generates them, beside a trunk', () => {
    expect(looksLikeFreePbx([endpoint('1001', ['1001-auth']), endpoint('1002', ['1002-auth']), endpoint('carrier', ['carrier'])])).toBe(true);
  });

  it('does not take the Asterisk lab (auth named like the endpoint, a wizard auth) for FreePBX', () => {
    expect(looksLikeFreePbx([endpoint('phone1', ['phone1']), endpoint('phone2', ['phone2']), endpoint('wiz1', ['wiz1-iauth'])])).toBe(false);
  });

  it('needs most authenticated endpoints to follow the pattern, and at least one', () => {
    expect(looksLikeFreePbx([endpoint('1001', ['1001-auth']), endpoint('a', ['x']), endpoint('b', ['y'])])).toBe(false);
    expect(looksLikeFreePbx([endpoint('1001', [])])).toBe(false);
    expect(looksLikeFreePbx([])).toBe(false);
  });
});
