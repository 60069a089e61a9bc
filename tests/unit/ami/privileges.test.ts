// The write classes RegDesk names when Asterisk answers Permission denied (issue 14 item 13),
// as main/manager.c, main/db.c and res_pjsip register the actions.
import { describe, expect, it } from 'vitest';
import { AmiActionError } from '../../../src-main/ami/errors';
import { writeClassesFor } from '../../../src-main/ami/privileges';
import { serviceErrorOf } from '../../../src-main/services/pbx-link';

describe('AMI action privileges', () => {
  it('names the classes Asterisk registers each action with', () => {
    expect(writeClassesFor('Getvar')).toEqual(['call', 'reporting']);
    expect(writeClassesFor('DBGet')).toEqual(['system', 'reporting']);
    expect(writeClassesFor('DBGetTree')).toEqual(['system', 'reporting']);
    expect(writeClassesFor('DBPut')).toEqual(['system']);
    expect(writeClassesFor('DBDel')).toEqual(['system']);
    for (const a of ['PJSIPShowEndpoints', 'PJSIPShowAors', 'PJSIPShowContacts', 'PJSIPShowEndpoint']) expect(writeClassesFor(a)).toEqual(['system']);
    expect(writeClassesFor('Command')).toEqual(['command']);
    expect(writeClassesFor('NoSuchAction')).toBeNull();
  });

  it('turns Permission denied into a permission error naming the action and its classes, for the CLI and the app', () => {
    const denied = new AmiActionError('PJSIPShowEndpoints', 'Permission denied');
    expect(denied.code).toBe('permission');
    expect(denied.message).toBe('Asterisk denied PJSIPShowEndpoints to this AMI user (Permission denied); in manager.conf give the user write = system');
    expect(serviceErrorOf(denied)).toEqual({ code: 'permission', message: denied.message, denied: { action: 'PJSIPShowEndpoints', writeClasses: ['system'] } });
    // Any other error answer keeps its own words.
    expect(new AmiActionError('DBDel', 'Database entry not found')).toMatchObject({ code: 'actionFailed', message: 'DBDel failed: Database entry not found', writeClasses: null });
  });
});
