import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configuredListen } from '../../../../src-main/sandbox/config/listen';
import { loadSandboxConfig, parseSandboxConfig } from '../../../../src-main/sandbox/config/load';

const demoDir = join(import.meta.dirname, '..', '..', '..', '..', 'resources', 'sandbox');

describe('the demo configuration', () => {
  const config = loadSandboxConfig(demoDir);

  it('loads without warnings', () => {
    expect(config.warnings).toEqual([]);
  });

  it('mirrors the lab bench of FACTS.md', () => {
    const aor = (name: string) => config.aors.find((a) => a.name === name);
    expect(aor('phone1')).toMatchObject({ maxContacts: 2, removeExisting: false, qualifyFrequency: 0 });
    expect(aor('phone2')).toMatchObject({ maxContacts: 1, removeExisting: true });
    expect(aor('phone3')).toMatchObject({ maxContacts: 4, removeExisting: false, qualifyFrequency: 10 });
    expect(aor('wiz1')).toMatchObject({ maxContacts: 2, removeExisting: true });
    for (const name of ['phone1', 'phone2', 'phone3']) {
      const endpoint = config.endpoints.find((e) => e.name === name)!;
      const auth = config.auths.find((a) => a.name === endpoint.auth)!;
      expect(auth).toMatchObject({ username: name, password: `pw-${name}` });
    }
    expect(config.managerUsers.map((u) => u.name)).toEqual(['regdesk', 'lab', 'labnosec', 'labsec']);
    expect(config.managerUsers.find((u) => u.name === 'labnosec')!.read).not.toContain('security');
    expect(config.managerUsers.find((u) => u.name === 'labsec')).toMatchObject({ read: ['security'], write: ['system', 'command'] });
  });
});

describe('pjsip.conf', () => {
  it("applies Asterisk's AOR defaults", () => {
    const config = parseSandboxConfig({ pjsip: '[a]\ntype=aor\n' });
    expect(config.aors).toEqual([
      { name: 'a', maxContacts: 0, removeExisting: false, removeUnavailable: false, qualifyFrequency: 0, qualifyTimeout: 3, minimumExpiration: 60, defaultExpiration: 3600, maximumExpiration: 7200 },
    ]);
  });

  it('inherits template options, with the section overriding them', () => {
    const config = parseSandboxConfig({
      pjsip: '[base](!)\ntype=aor\nmax_contacts=3\nqualify_frequency=10\n\n[t1](base)\nqualify_frequency => 0 ; own value wins\n',
    });
    expect(config.aors).toHaveLength(1);
    expect(config.aors[0]).toMatchObject({ name: 't1', maxContacts: 3, qualifyFrequency: 0 });
  });

  it('adds to an earlier section with [name](+), as Asterisk does', () => {
    const config = parseSandboxConfig({ pjsip: '[a]\ntype=aor\nmax_contacts=1\n[b]\ntype=aor\n[a](+)\nmax_contacts=3\n[nosuch](+)\nx=1\n' });
    expect(config.aors.map((a) => [a.name, a.maxContacts])).toEqual([['a', 3], ['b', 0]]);
    expect(config.warnings).toEqual([
      { file: 'pjsip.conf', line: 8, message: 'section [nosuch](+) adds to a section that does not exist' },
      { file: 'pjsip.conf', line: 9, message: "'x' outside of any section" },
    ]);
  });

  it('keeps one name for an endpoint, an aor and an auth section', () => {
    const config = parseSandboxConfig({
      pjsip: '[p]\ntype=endpoint\naors=p, other\nauth=p\ncallerid=Desk <100>\n[p]\ntype=auth\nusername=p\npassword=semi\\;colon\n[p]\ntype=aor\n',
    });
    expect(config.endpoints).toEqual([{ name: 'p', aors: ['p', 'other'], auth: 'p', transport: null, context: 'default', options: { callerid: 'Desk <100>' } }]);
    expect(config.auths).toEqual([{ name: 'p', username: 'p', password: 'semi;colon', realm: null }]);
  });

  it('reports malformed lines with file and line number', () => {
    const config = parseSandboxConfig({
      pjsip: '[ok]\ntype=aor\nthis line has no equals\n[broken\n;-- block\ncomment --;\nmax_contacts=x\n',
      manager: 'orphan=1\n',
    });
    expect(config.warnings).toEqual([
      { file: 'pjsip.conf', line: 3, message: 'malformed line (expected key = value): this line has no equals' },
      { file: 'pjsip.conf', line: 4, message: 'malformed section header: [broken' },
      { file: 'pjsip.conf', line: 7, message: "'max_contacts' outside of any section" },
      { file: 'manager.conf', line: 1, message: "'orphan' outside of any section" },
    ]);
  });

  it('ignores a line with a stray CR or NUL, which could forge an AMI header later', () => {
    const config = parseSandboxConfig({ pjsip: '[a]\ntype=aor\nmax_contacts=2\rEvent: x\n' });
    expect(config.aors[0]!.maxContacts).toBe(0);
    expect(config.warnings).toEqual([{ file: 'pjsip.conf', line: 3, message: 'line contains a CR or NUL character; ignored' }]);
  });

  it('drops an AOR whose option does not parse, naming the line', () => {
    const config = parseSandboxConfig({ pjsip: '[a]\ntype=aor\n\nmax_contacts = two\n' });
    expect(config.aors).toEqual([]);
    expect(config.warnings).toEqual([{ file: 'pjsip.conf', line: 4, message: "aor 'a': invalid max_contacts 'two'" }]);
  });
});

describe('pjsip_wizard.conf', () => {
  it('creates endpoint <name>, aor <name> and auth <name>-iauth as res_pjsip_config_wizard.c does', () => {
    const config = parseSandboxConfig({
      pjsip: '',
      wizard:
        '[tpl](!)\ntype=wizard\naccepts_registrations=yes\naccepts_auth=yes\naor/max_contacts=2\n' +
        '[w](tpl)\ninbound_auth/username=w\ninbound_auth/password=pw-w\naor/remove_existing=yes\nendpoint/context=office\ntransport=udp\n',
    });
    expect(config.endpoints).toEqual([{ name: 'w', aors: ['w'], auth: 'w-iauth', transport: 'udp', context: 'office', options: {} }]);
    expect(config.aors).toMatchObject([{ name: 'w', maxContacts: 2, removeExisting: true }]);
    expect(config.auths).toEqual([{ name: 'w-iauth', username: 'w', password: 'pw-w', realm: null }]);
  });

  it('refuses a wizard that accepts auth without inbound_auth/username', () => {
    const config = parseSandboxConfig({ pjsip: '', wizard: '\n[w]\ntype=wizard\naccepts_auth=yes\n' });
    expect(config.endpoints).toEqual([]);
    expect(config.warnings).toEqual([{ file: 'pjsip_wizard.conf', line: 2, message: "wizard 'w' must have 'inbound_auth/username' if it accepts_auth" }]);
  });
});

describe('manager.conf', () => {
  it('reads users with classes, repeated permit/deny, and skips [general]', () => {
    const config = parseSandboxConfig({
      pjsip: '',
      manager: '[general]\nenabled=yes\n[u]\nsecret=s\nread=System, security\nread=call\nwrite=all\ndeny=0.0.0.0/0.0.0.0\npermit=127.0.0.1/255.255.255.255\npermit=10.0.0.0/255.0.0.0\n[nosecret]\nread=all\n',
    });
    expect(config.managerUsers).toEqual([
      { name: 'u', secret: 's', read: ['system', 'security', 'call'], write: ['all'], permit: ['127.0.0.1/255.255.255.255', '10.0.0.0/255.0.0.0'], deny: ['0.0.0.0/0.0.0.0'] },
    ]);
    expect(config.warnings).toEqual([{ file: 'manager.conf', line: 11, message: 'manager user [nosecret] has no secret' }]);
  });
});

describe('#include', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads included files relative to the including file and reports a missing one', () => {
    dir = mkdtempSync(join(tmpdir(), 'regdesk-conf-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'pjsip.conf'), '#include "sub/aors.conf"\n#tryinclude nothing.conf\n#include missing.conf\n');
    writeFileSync(join(dir, 'sub', 'aors.conf'), '[x]\ntype=aor\nmax_contacts=5\n');
    const config = loadSandboxConfig(dir);
    expect(config.aors).toMatchObject([{ name: 'x', maxContacts: 5 }]);
    expect(config.warnings).toEqual([{ file: join(dir, 'pjsip.conf'), line: 3, message: "cannot include 'missing.conf'" }]);
  });
});

describe('where a configuration says the sandbox listens', () => {
  it('reads the udp transport bind and manager.conf [general] bindaddr and port', () => {
    const config = parseSandboxConfig({
      pjsip: '[t]\ntype = transport\nprotocol = udp\nbind = 0.0.0.0:5160\n',
      manager: '[general]\nenabled = yes\nport = 5138\nbindaddr = 192.0.2.1\n',
    });
    expect(configuredListen(config)).toEqual({ sip: { address: '0.0.0.0', port: 5160 }, ami: { address: '192.0.2.1', port: 5138 } });
    const v6 = parseSandboxConfig({ pjsip: '[t]\ntype = transport\nprotocol = udp\nbind = [::]:5062\n' });
    expect(configuredListen(v6)).toEqual({ sip: { address: '::', port: 5062 }, ami: { address: null, port: null } });
  });
});
