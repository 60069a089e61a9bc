import { describe, expect, it } from 'vitest';
import { AmiActionError, AmiError, AmiHeaderInjectionError } from '../../../src-main/ami/errors';
import { liveHeapBytes } from '../../support/heap';

/** An error raised by a function whose scope holds a large array (as a list timeout's timer did). */
function raiseWhileHolding(): { error: AmiError; items: WeakRef<number[]> } {
  const items = Array.from({ length: 100_000 }, (_, i) => i);
  const timeout = (): AmiError => (items.length > 0 ? new AmiError('timeout', 'PJSIPShowContacts did not complete its list') : new AmiError('protocol', 'empty'));
  return { error: timeout(), items: new WeakRef(items) };
}

describe('AmiError', () => {
  it('keeps nothing of the scope it was raised in alive, so a kept error cannot pin a half-read list', async () => {
    const { error, items } = raiseWhileHolding();
    // A WeakRef target survives until the current job ends: collect in a later turn.
    await new Promise((resolve) => setTimeout(resolve, 0));
    liveHeapBytes();
    expect(items.deref()).toBeUndefined();
    expect(error.stack).toMatch(/^AmiError: PJSIPShowContacts did not complete its list\n/);
  });

  it('names each kind of error in its stack', () => {
    expect(new AmiHeaderInjectionError('Secret').stack).toMatch(/^AmiHeaderInjectionError: /);
    expect(new AmiActionError('DBDel', 'Database entry not found').stack).toMatch(/^AmiActionError: DBDel failed: Database entry not found\n/);
    expect(new AmiActionError('DBDel', 'x').name).toBe('AmiActionError');
  });
});
