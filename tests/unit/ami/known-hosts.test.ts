// known_hosts as OpenSSH writes it: the files are made by ssh-keygen itself (keys, -H hashing)
// and every verdict is checked against what `ssh-keygen -F` finds in the same file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownHostsName, knownKeyTypes, lookupHostKey, parseKnownHosts, patternsMatch } from '../../../src-main/ami/known-hosts';
import { keyBlobType, normalizeSshFingerprint, preferredHostKeyAlgorithms, refuseHostKey, sshFingerprint } from '../../../src-main/ami/ssh-host-key';
import { AmiSshHostKeyError } from '../../../src-main/ami/errors';
import { requireTool } from '../../support/require-tool';
import { keygenFingerprint, makeKey, run } from '../../support/sshd';

const blob = (publicKey: string): Buffer => Buffer.from(publicKey.split(' ')[1]!, 'base64');
const line = (publicKey: string): string => publicKey.split(' ').slice(0, 2).join(' ');

describe.runIf(requireTool('ssh-keygen', 'openssh-client'))('known_hosts and host key fingerprints', () => {
  let dir: string;
  let ed25519: string;
  let ecdsa: string;
  let rsa: string;
  let other: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'regdesk-known-hosts-'));
    ed25519 = makeKey(dir, 'ed', 'ed25519').publicKey;
    ecdsa = makeKey(dir, 'ec', 'ecdsa').publicKey;
    rsa = makeKey(dir, 'rsa', 'rsa').publicKey;
    other = makeKey(dir, 'other', 'ed25519').publicKey;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('computes the fingerprint ssh-keygen -lf prints, for ed25519, ECDSA and RSA keys', () => {
    for (const name of ['ed', 'ec', 'rsa']) {
      const publicKey = readFileSync(join(dir, `${name}.pub`), 'utf8');
      expect(sshFingerprint(blob(publicKey))).toBe(keygenFingerprint(join(dir, `${name}.pub`)));
    }
    expect(keyBlobType(blob(ecdsa))).toBe('ecdsa-sha2-nistp256');
    expect(keyBlobType(blob(rsa))).toBe('ssh-rsa');
  });

  it('reads a pasted fingerprint with or without SHA256:, and refuses anything else', () => {
    const fp = sshFingerprint(blob(ed25519));
    expect(normalizeSshFingerprint(fp)).toBe(fp);
    expect(normalizeSshFingerprint(` ${fp.slice(7)}\n`)).toBe(fp);
    expect(normalizeSshFingerprint(`sha256:${fp.slice(7)}`)).toBe(fp);
    for (const wrong of ['', 'SHA256:abc', 'MD5:' + fp.slice(7), fp + 'A', fp.replace(/.$/, '!')]) expect(normalizeSshFingerprint(wrong), wrong).toBeNull();
  });

  it('finds hashed entries exactly where ssh-keygen -F finds them, port 22 and [host]:port alike', () => {
    const file = join(dir, 'hashed_known_hosts');
    writeFileSync(file, `pbx.example.org ${line(ed25519)}\n[192.0.2.7]:2222 ${line(ecdsa)}\n`);
    run('ssh-keygen', ['-q', '-H', '-f', file]);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('pbx.example.org');
    expect(text).toMatch(/^\|1\|/);
    const entries = parseKnownHosts(text);
    for (const [host, port, key] of [['pbx.example.org', 22, ed25519], ['192.0.2.7', 2222, ecdsa]] as const) {
      const found = spawnSync('ssh-keygen', ['-F', knownHostsName(host, port), '-f', file]).status === 0;
      expect(found).toBe(true);
      expect(lookupHostKey(entries, host, port, keyBlobType(blob(key)), blob(key))).toEqual({ kind: 'known', line: expect.any(Number) });
    }
    // The same names on other ports are other hosts to ssh.
    expect(spawnSync('ssh-keygen', ['-F', '[pbx.example.org]:2200', '-f', file]).status).not.toBe(0);
    expect(lookupHostKey(entries, 'pbx.example.org', 2200, 'ssh-ed25519', blob(ed25519)).kind).toBe('unknown');
    expect(lookupHostKey(entries, '192.0.2.7', 22, 'ecdsa-sha2-nistp256', blob(ecdsa)).kind).toBe('unknown');
  });

  it('matches comma-separated host lists, wildcards and negations as ssh does', () => {
    expect(patternsMatch('pbx1,pbx2.example.org,10.0.0.5', 'pbx2.example.org')).toBe(true);
    expect(patternsMatch('*.example.org,!secret.example.org', 'pbx.example.org')).toBe(true);
    expect(patternsMatch('*.example.org,!secret.example.org', 'secret.example.org')).toBe(false);
    expect(patternsMatch('10.0.0.?', '10.0.0.5')).toBe(true);
    expect(patternsMatch('10.0.0.?', '10.0.0.50')).toBe(false);
    expect(patternsMatch('[10.0.0.5]:2222', '[10.0.0.5]:2222')).toBe(true);
    expect(patternsMatch('[10.0.0.5]:2222', '10.0.0.5')).toBe(false);
    expect(patternsMatch('PBX.Example.org', 'pbx.example.org')).toBe(true);
  });

  it('calls a host listed with another key of the same type changed, and one known only by other types unknown', () => {
    const entries = parseKnownHosts(`# comment\n\npbx,10.0.0.5 ${line(other)}\npbx ${line(rsa)}\n@cert-authority * ${line(ecdsa)}\n`);
    expect(lookupHostKey(entries, 'pbx', 22, 'ssh-ed25519', blob(ed25519))).toEqual({ kind: 'changed', line: 3 });
    expect(lookupHostKey(entries, '10.0.0.5', 22, 'ssh-ed25519', blob(ed25519))).toEqual({ kind: 'changed', line: 3 });
    expect(lookupHostKey(entries, 'pbx', 22, 'ssh-rsa', blob(rsa))).toEqual({ kind: 'known', line: 4 });
    // The @cert-authority line is not a host key for "*".
    expect(lookupHostKey(entries, 'pbx', 22, 'ecdsa-sha2-nistp256', blob(ecdsa))).toEqual({ kind: 'unknown', otherTypes: ['ssh-ed25519', 'ssh-rsa'] });
    expect(knownKeyTypes(entries, 'pbx', 22)).toEqual(['ssh-ed25519', 'ssh-rsa']);
    expect(preferredHostKeyAlgorithms(['ssh-rsa']).slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(preferredHostKeyAlgorithms([])[0]).toBe('ssh-ed25519');
  });

  it('refuses a @revoked key even where another line lists it for the host', () => {
    const entries = parseKnownHosts(`pbx ${line(ed25519)}\n@revoked * ${line(ed25519)}\n`);
    expect(lookupHostKey(entries, 'pbx', 22, 'ssh-ed25519', blob(ed25519))).toEqual({ kind: 'revoked', line: 2 });
    const refusal = refuseHostKey('pbx', 22, blob(ed25519), { pinnedFingerprint: sshFingerprint(blob(ed25519)), knownHosts: entries, knownHostsFile: '/k' });
    expect(refusal?.code).toBe('sshHostKeyChanged');
    expect(refusal?.message).toContain('REVOKED in /k:2');
  });

  it('accepts the known or pinned key, and refuses an unknown one with its fingerprint, a changed one loudly', () => {
    const key = blob(ed25519);
    const fp = sshFingerprint(key);
    const known = { pinnedFingerprint: null, knownHosts: parseKnownHosts(`[pbx]:2222 ${line(ed25519)}\n`), knownHostsFile: '/k' };
    expect(refuseHostKey('pbx', 2222, key, known)).toBeNull();
    expect(refuseHostKey('pbx', 2222, key, { pinnedFingerprint: fp.slice(7), knownHosts: [], knownHostsFile: null })).toBeNull();

    const unknown = refuseHostKey('pbx', 22, key, known);
    expect(unknown).toBeInstanceOf(AmiSshHostKeyError);
    expect(unknown?.code).toBe('sshHostKeyUnknown');
    expect(unknown?.fingerprint).toBe(fp);
    expect(unknown?.message).toContain(fp);

    const otherFp = sshFingerprint(blob(other));
    const pinnedOther = refuseHostKey('pbx', 2222, key, { ...known, pinnedFingerprint: otherFp });
    expect(pinnedOther?.code).toBe('sshHostKeyChanged');
    expect(pinnedOther?.message).toContain('NOT the pinned one');
    const changed = refuseHostKey('pbx', 2222, blob(other), { ...known, pinnedFingerprint: otherFp });
    expect(changed?.code).toBe('sshHostKeyChanged');
    expect(changed?.message).toContain('/k:1');
  });
});
