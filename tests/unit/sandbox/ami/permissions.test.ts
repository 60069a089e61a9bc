import { describe, expect, it } from 'vitest';
import { ALL_CLASSES, CLASS, classMask, eventMask, mayRunAction, privilegeText, sessionReceives } from '../../../../src-main/sandbox/ami/permissions';
import { ManagerAcl } from '../../../../src-main/sandbox/ami/acl';

describe('AMI classes', () => {
  it('prints a category as Asterisk does in Privilege: its classes, then all', () => {
    expect(privilegeText(CLASS.system)).toBe('system,all');
    expect(privilegeText(CLASS.security)).toBe('security,all');
  });

  it('reads Events: values as strings_to_mask does', () => {
    expect(eventMask('on')).toBe(ALL_CLASSES);
    expect(eventMask('off')).toBe(0);
    expect(eventMask('security')).toBe(CLASS.security);
    expect(eventMask('system,security')).toBe(CLASS.system | CLASS.security);
    expect(eventMask('1')).toBe(CLASS.system);
    expect(eventMask('Security')).toBe(0);
    expect(eventMask('')).toBeNull();
  });

  it('gives FailedACL only to a user reading security with security in the session mask', () => {
    const labnosec = classMask(['system', 'call', 'reporting']);
    expect(sessionReceives(classMask(['all']), ALL_CLASSES, CLASS.security)).toBe(true);
    expect(sessionReceives(labnosec, ALL_CLASSES, CLASS.security)).toBe(false);
    expect(sessionReceives(classMask(['all']), CLASS.system, CLASS.security)).toBe(false);
  });

  it('runs an action when the user writes any one of its classes', () => {
    expect(mayRunAction(classMask(['system', 'command']), CLASS.system | CLASS.reporting)).toBe(true);
    expect(mayRunAction(classMask(['system', 'command']), CLASS.call | CLASS.reporting)).toBe(false);
    expect(mayRunAction(0, 0)).toBe(true);
  });
});

describe('manager.conf permit/deny', () => {
  it('allows only the permitted address after a deny of everything', () => {
    const acl = new ManagerAcl(['127.0.0.1/255.255.255.255'], ['0.0.0.0/0.0.0.0']);
    expect(acl.allows('127.0.0.1')).toBe(true);
    expect(acl.allows('::ffff:127.0.0.1')).toBe(true);
    expect(acl.allows('10.0.0.5')).toBe(false);
  });

  it('allows everyone without rules, and no one when a rule is not an address', () => {
    expect(new ManagerAcl([], []).allows('192.0.2.1')).toBe(true);
    expect(new ManagerAcl(['not-an-address'], []).allows('127.0.0.1')).toBe(false);
    expect(new ManagerAcl(['10.0.0.0/8'], ['0.0.0.0/0']).allows('10.9.9.9')).toBe(true);
  });
});
