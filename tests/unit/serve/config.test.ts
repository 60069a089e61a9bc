// regdesk serve's config: a good file read in full, and every error naming file, line and field.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseServeConfig } from '../../../src-main/serve/config';

const FILE = '/etc/regdesk/serve.yml';
const GOOD = `listen: 127.0.0.1:9469
pbxs:
  - name: tokyo-1
    host: 127.0.0.1
    port: 5038
    user: regdesk
    secret_file: /run/credentials/regdesk.service/tokyo-1
  - name: osaka-1
    host: 10.0.0.7
    user: regdesk
    secret_env: OSAKA1_AMI_SECRET
    tls_fingerprint: ${'ab'.repeat(32)}
`;

function errorOf(text: string): ConfigError {
  try {
    parseServeConfig(FILE, text);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('the config was accepted');
}

describe('regdesk serve config', () => {
  it('reads PBXs with secrets by reference, TLS from a fingerprint, default ports', () => {
    const c = parseServeConfig(FILE, GOOD);
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 9469 });
    expect(c.allAors).toBe(false);
    expect(c.pbxs).toEqual([
      { name: 'tokyo-1', host: '127.0.0.1', port: 5038, user: 'regdesk', secret: { kind: 'file', path: '/run/credentials/regdesk.service/tokyo-1' }, tls: null, line: 3 },
      { name: 'osaka-1', host: '10.0.0.7', port: 5039, user: 'regdesk', secret: { kind: 'env', name: 'OSAKA1_AMI_SECRET' }, tls: { pinnedFingerprint: Array(32).fill('AB').join(':') }, line: 8 },
    ]);
  });

  it('refuses an inline secret, naming file, line and field, without repeating it', () => {
    const e = errorOf(GOOD.replace('    secret_env: OSAKA1_AMI_SECRET', '    secret: hunter2-inline'));
    expect(e.message).toBe(`${FILE}:11: pbxs[1].secret: an inline secret is refused: give secret_file (e.g. a systemd credential) or secret_env instead`);
    expect(e.message).not.toContain('hunter2');
  });

  it('refuses an ssh block for now, and unknown fields with the known ones', () => {
    expect(errorOf(GOOD.replace('    port: 5038\n', '    ssh:\n      host: pbx\n')).message).toMatch(/^\/etc\/regdesk\/serve\.yml:5: pbxs\[0\]\.ssh: AMI through SSH is not supported/);
    expect(errorOf(GOOD.replace('    port: 5038\n', '    prot: 5038\n')).message).toMatch(/:5: pbxs\[0\]\.prot: unknown field \(known: name, host, port/);
    expect(errorOf(`${GOOD}scrape: 1\n`).message).toMatch(/:13: scrape: unknown field/);
  });

  it('needs exactly one of secret_file and secret_env', () => {
    expect(errorOf(GOOD.replace('    secret_env: OSAKA1_AMI_SECRET\n', '')).message).toMatch(/:8: pbxs\[1\]\.secret_file: give exactly one of secret_file or secret_env/);
    expect(errorOf(GOOD.replace('    secret_env: OSAKA1_AMI_SECRET\n', '    secret_env: A\n    secret_file: /x\n')).message).toMatch(/:8: pbxs\[1\]\.secret_file: give exactly one/);
  });

  it('refuses duplicate names, bad ports, missing fields, control characters', () => {
    expect(errorOf(GOOD.replace('osaka-1', 'tokyo-1')).message).toMatch(/:8: pbxs\[1\]\.name: "tokyo-1" is already the name of the PBX on line 3/);
    expect(errorOf(GOOD.replace('port: 5038', 'port: 70000')).message).toMatch(/:5: pbxs\[0\]\.port: expected a port number/);
    expect(errorOf(GOOD.replace('    user: regdesk\n    secret_env', '    secret_env')).message).toMatch(/:8: pbxs\[1\]\.user: missing/);
    expect(errorOf(GOOD.replace('user: regdesk\n    secret_file', 'user: "reg\\r\\ndesk"\n    secret_file')).message).toMatch(/:6: pbxs\[0\]\.user: must be non-empty, without control characters/);
    expect(errorOf('pbxs: []\n').message).toBe(`${FILE}:1: pbxs: expected a list of at least one PBX`);
    expect(errorOf('listen: 127.0.0.1:9469\n').message).toBe(`${FILE}:1: pbxs: missing: list the PBXs to watch`);
  });

  it('takes a non-loopback listen address only from --listen, and an IP address, not a name', () => {
    expect(errorOf(GOOD.replace('listen: 127.0.0.1:9469', 'listen: 0.0.0.0:9469')).message).toMatch(/:1: listen: 0\.0\.0\.0 is not a loopback address: .* --listen/);
    expect(errorOf(GOOD.replace('listen: 127.0.0.1:9469', 'listen: localhost:9469')).message).toMatch(/:1: listen: "localhost" is not an IP address/);
    expect(parseServeConfig(FILE, GOOD.replace('listen: 127.0.0.1:9469', 'listen: "[::1]:9470"')).listen).toEqual({ host: '::1', port: 9470 });
  });

  it('names the line of broken YAML', () => {
    expect(errorOf('pbxs:\n  - name: a\n   host: b\n').message).toMatch(/^\/etc\/regdesk\/serve\.yml:3: not valid YAML/);
  });
});
