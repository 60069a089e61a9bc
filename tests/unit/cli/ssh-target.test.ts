import { describe, expect, it } from 'vitest';
import { parseSshTarget } from '../../../src-main/cli/ssh-target';

describe('--ssh [user@]host[:port]', () => {
  it('reads user, host and port as ssh does, defaulting to the local user and port 22', () => {
    expect(parseSshTarget('pbx.example.org', 'me')).toEqual({ user: 'me', host: 'pbx.example.org', port: 22 });
    expect(parseSshTarget('admin@10.0.0.5:2222', 'me')).toEqual({ user: 'admin', host: '10.0.0.5', port: 2222 });
    expect(parseSshTarget('first.last@corp@pbx', 'me')).toEqual({ user: 'first.last@corp', host: 'pbx', port: 22 });
  });

  it('takes an IPv6 address bare, or in brackets with a port', () => {
    expect(parseSshTarget('root@2001:db8::5', 'me')).toEqual({ user: 'root', host: '2001:db8::5', port: 22 });
    expect(parseSshTarget('root@[2001:db8::5]:2222', 'me')).toEqual({ user: 'root', host: '2001:db8::5', port: 2222 });
  });

  it('refuses an empty user or host, a port out of range, and spaces', () => {
    for (const bad of ['root@', '@pbx', 'pbx:0', 'pbx:65536', 'pbx:ssh', 'p bx', '']) {
      expect(typeof parseSshTarget(bad, 'me'), bad).toBe('string');
    }
  });
});
