import { describe, expect, it } from 'vitest';
import { createClient, deriveBridge } from '../../../src-main/ipc/bridge';
import { channelOf, operationNames, type CallResult, type PushedEvent } from '../../../src-main/ipc/contract';
import { handleCall } from '../../../src-main/ipc/dispatch';
import { registerIpcHandlers, type IpcInvokeEvent } from '../../../src-main/ipc/electron-handlers';
import { ServiceFailure } from '../../../src-main/services/api';
import { RecordingServices, samplePbx } from './recording-services';

const validProfile = { name: 'Office', host: 'pbx.example.net', port: 5038, username: 'regdesk', tls: false };

function inProcessClient(services: RecordingServices) {
  const listeners = new Set<(message: PushedEvent) => void>();
  const bridge = deriveBridge(
    // Structured clone, as IPC does: nothing but plain data may cross.
    async (operation, args) => structuredClone(await handleCall(services, operation, structuredClone(args))),
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  );
  return { client: createClient(bridge), push: (message: PushedEvent) => listeners.forEach((l) => l(message)) };
}

describe('the IPC contract', () => {
  it('derives one distinct channel per operation and nothing for on/close', () => {
    const channels = operationNames.map(channelOf);
    expect(new Set(channels).size).toBe(operationNames.length);
    expect(operationNames).not.toContain('on');
    expect(operationNames).not.toContain('close');
    expect(operationNames).toContain('removeContact');
  });

  it('gives the derived bridge exactly one function per operation plus subscribe', () => {
    const bridge = deriveBridge(async () => ({ ok: true, value: null }), () => () => {});
    expect(Object.keys(bridge).sort()).toEqual([...operationNames, 'subscribe'].sort());
  });

  it('carries a valid call to the services and its result back', async () => {
    const services = new RecordingServices();
    const { client } = inProcessClient(services);
    await expect(client.listPbxs()).resolves.toEqual([samplePbx]);
    await expect(client.removeContact('sandbox', 'phone1;@abc', 'sip:phone1@127.0.0.1:5061')).resolves.toEqual({
      auditId: 'audit-1',
      contactId: 'phone1;@abc',
    });
    expect(services.calls.map((c) => c.operation)).toEqual(['listPbxs', 'removeContact']);
  });

  it('rebuilds a service failure in the renderer as ServiceFailure with its code', async () => {
    const { client } = inProcessClient(new RecordingServices());
    const failure = await client.removeContact('sandbox', 'phone1;@abc', 'sip:other@10.0.0.1').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ServiceFailure);
    expect(failure).toMatchObject({ code: 'contactChanged', message: 'the contact re-registered' });
  });

  it('turns an unexpected exception into code internal', async () => {
    const services = new RecordingServices();
    services.listPbxs = async () => {
      throw new TypeError('boom');
    };
    await expect(handleCall(services, 'listPbxs', [])).resolves.toEqual({
      ok: false,
      error: { code: 'internal', message: 'boom' },
    });
  });

  const badCalls: Array<[string, string, unknown]> = [
    ['a port out of range', 'addPbx', [{ ...validProfile, port: 70000 }, 's3cret']],
    ['a fractional port', 'addPbx', [{ ...validProfile, port: 50.5 }, 's3cret']],
    ['a CR LF in the secret (AMI header injection)', 'addPbx', [validProfile, 'x\r\nAction: Originate']],
    ['a NUL in a contact id', 'removeContact', ['sandbox', 'phone1;@a\0b', 'sip:x']],
    ['an unknown profile field', 'addPbx', [{ ...validProfile, secret: 'leak' }, 's3cret']],
    ['a missing argument', 'removeContact', ['sandbox', 'phone1;@abc']],
    ['an extra argument', 'connectPbx', ['sandbox', 'more']],
    ['a number where a string belongs', 'getEndpoint', ['sandbox', 42]],
    ['an empty PBX id', 'connectPbx', ['']],
    ['arguments that are not an array', 'listPbxs', { length: 0 }],
    ['an unknown language', 'setSettings', [{ language: 'fr', theme: 'system', startAtLogin: false, showSandbox: true }]],
  ];
  it.each(badCalls)('refuses %s with invalidArgument before the services see it', async (_what, operation, args) => {
    const services = new RecordingServices();
    const result = await handleCall(services, operation, args);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('invalidArgument');
    expect(services.calls).toEqual([]);
  });

  it.each(['close', 'on', 'constructor', '__proto__', 'toString', 'listPbxs '])(
    'refuses the undeclared operation %j',
    async (operation) => {
      const services = new RecordingServices();
      const result = await handleCall(services, operation, []);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalidArgument' } });
      expect(services.calls).toEqual([]);
    },
  );

  it('delivers pushed events to the listeners of that event only, until unsubscribed', () => {
    const { client, push } = inProcessClient(new RecordingServices());
    const seen: string[] = [];
    const off = client.on('pbxRemoved', (payload) => seen.push(payload.pbxId));
    push({ event: 'pbxChanged', payload: samplePbx });
    push({ event: 'pbxRemoved', payload: { pbxId: 'a' } });
    off();
    push({ event: 'pbxRemoved', payload: { pbxId: 'b' } });
    expect(seen).toEqual(['a']);
  });
});

describe('the Electron handlers derived from the contract', () => {
  function fakeIpcMain() {
    const handlers = new Map<string, (event: IpcInvokeEvent, ...args: unknown[]) => Promise<CallResult<unknown>>>();
    return {
      handlers,
      handle: (channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => Promise<CallResult<unknown>>) => {
        handlers.set(channel, listener);
      },
      removeHandler: (channel: string) => handlers.delete(channel),
    };
  }
  const ourWindow: IpcInvokeEvent = { sender: { id: 1 }, senderFrame: { url: 'file:///app/out/renderer/index.html' } };
  const otherWindow: IpcInvokeEvent = { sender: { id: 2 }, senderFrame: { url: 'https://evil.example/' } };

  it('registers a handler on every derived channel and removes them all', () => {
    const ipcMain = fakeIpcMain();
    const unregister = registerIpcHandlers(ipcMain, new RecordingServices(), () => true);
    expect([...ipcMain.handlers.keys()].sort()).toEqual(operationNames.map(channelOf).sort());
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('refuses calls from a sender that is not our window', async () => {
    const ipcMain = fakeIpcMain();
    const services = new RecordingServices();
    registerIpcHandlers(ipcMain, services, (event) => event.sender.id === 1);
    const handler = ipcMain.handlers.get(channelOf('connectPbx'))!;
    await expect(handler(otherWindow, 'sandbox')).resolves.toMatchObject({ ok: false, error: { code: 'permission' } });
    await expect(handler(ourWindow, 'sandbox')).resolves.toEqual({ ok: true, value: null });
    expect(services.calls).toEqual([{ operation: 'connectPbx', args: ['sandbox'] }]);
  });
});
