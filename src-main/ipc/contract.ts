// The one declaration of every operation the renderer may call: its name and the runtime schema
// of its arguments (the result type comes from RegDeskServices). The Electron handlers, the
// preload bridge, the browser-mode WebSocket handlers and the renderer client are all derived
// from `operations`: no channel name is written anywhere else.
import * as v from 'valibot';
import type { RegDeskServices, ServiceError, ServiceEvents } from '../services/api';
import { MAX_BATCH_RATE } from '../services/incident-types';

/** Text that may end up in an AMI header or a file: CR, LF and NUL are refused, never escaped. */
const headerSafeText = (max: number) =>
  v.pipe(v.string(), v.maxLength(max), v.regex(/^[^\r\n\0]*$/, 'must not contain CR, LF or NUL'));
const name = (max: number) => v.pipe(headerSafeText(max), v.minLength(1));

const pbxId = name(200);
const endpoint = name(200);
const contactId = name(400);
const secret = v.pipe(headerSafeText(1000));
const passphrase = v.pipe(v.string(), v.minLength(1), v.maxLength(1000));
const batchRate = v.pipe(v.number(), v.minValue(0.1), v.maxValue(MAX_BATCH_RATE));
const port = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535));
const sshProfile = v.strictObject({
  host: name(253),
  port,
  username: name(200),
  auth: v.picklist(['agent', 'key', 'password']),
  keyFile: v.nullable(headerSafeText(4096)),
  // `SHA256:...` as ssh-keygen -lf prints it; services/profiles.ts checks its form.
  hostKeyFingerprint: v.nullable(headerSafeText(200)),
});
const profile = v.strictObject({
  name: name(100),
  host: name(253),
  port,
  username: name(200),
  tls: v.boolean(),
  // Any form openssl prints (colons, spaces, prefix); services/profiles.ts checks it is 32 bytes of hex.
  tlsFingerprint: v.optional(v.nullable(headerSafeText(200))),
  ssh: v.optional(v.nullable(sshProfile)),
});
const settings = v.strictObject({
  language: v.picklist(['system', 'en', 'ja']),
  theme: v.picklist(['system', 'light', 'dark']),
  startAtLogin: v.boolean(),
  showSandbox: v.boolean(),
});

/** The operations the renderer may call (RegDeskServices without `on` and `close`). */
export type OperationName = Exclude<keyof RegDeskServices, 'on' | 'close'>;

/** Argument schema per operation; `satisfies` makes each schema's output exactly the method's parameters. */
export const operations = {
  listPbxs: v.strictTuple([]),
  // The last argument: the SSH password or key passphrase, write-only like the AMI secret.
  addPbx: v.strictTuple([profile, secret, v.optional(v.nullable(secret))]),
  updatePbx: v.strictTuple([pbxId, profile, v.nullable(secret), v.optional(v.nullable(secret))]),
  removePbx: v.strictTuple([pbxId]),
  connectPbx: v.strictTuple([pbxId]),
  disconnectPbx: v.strictTuple([pbxId]),
  listEndpoints: v.strictTuple([pbxId]),
  getEndpoint: v.strictTuple([pbxId, endpoint]),
  removeContact: v.strictTuple([pbxId, contactId, name(2000)]),
  restoreContact: v.strictTuple([pbxId, name(200)]),
  dialStrings: v.strictTuple([pbxId, endpoint]),
  getHistory: v.strictTuple([
    pbxId,
    v.strictObject({
      endpoint: v.nullable(endpoint),
      since: v.nullable(v.pipe(v.number(), v.integer())),
      limit: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000))),
    }),
  ]),
  secretsStatus: v.strictTuple([]),
  setPassphrase: v.strictTuple([passphrase]),
  unlockSecrets: v.strictTuple([passphrase]),
  getIncident: v.strictTuple([pbxId]),
  planIncident: v.strictTuple([pbxId, v.strictObject({ allStale: v.boolean(), endpoints: v.pipe(v.array(endpoint), v.maxLength(100_000)) })]),
  startRemovalBatch: v.strictTuple([pbxId, v.pipe(v.array(contactId), v.maxLength(100_000)), v.nullable(batchRate)]),
  cancelBatch: v.strictTuple([pbxId, name(200)]),
  restoreBatch: v.strictTuple([pbxId, name(200)]),
  listBatches: v.strictTuple([]),
  getSettings: v.strictTuple([]),
  setSettings: v.strictTuple([settings]),
} satisfies { [K in OperationName]: v.GenericSchema<unknown, Parameters<RegDeskServices[K]>> };

export const operationNames = Object.keys(operations) as OperationName[];

export function isOperationName(candidate: string): candidate is OperationName {
  return Object.hasOwn(operations, candidate);
}

export type OperationArgs<K extends OperationName> = Parameters<RegDeskServices[K]>;
export type OperationResult<K extends OperationName> = Awaited<ReturnType<RegDeskServices[K]>>;

/** The Electron IPC channel of an operation, derived from its name. */
export function channelOf(operation: OperationName): string {
  return `regdesk:${operation}`;
}

/** Events the shell itself pushes, beside the services' events. */
export interface ShellEvents {
  /** A native notification was clicked: show this endpoint with this contact selected. */
  focusEndpoint: { pbxId: string; endpoint: string; contactId: string | null };
}

export type PushedEvents = ServiceEvents & ShellEvents;
export type PushedEventName = keyof PushedEvents;
export type PushedEvent = { [K in PushedEventName]: { event: K; payload: PushedEvents[K] } }[PushedEventName];

/** Every service event name, checked complete at compile time. */
const serviceEventSet = {
  pbxChanged: true,
  pbxRemoved: true,
  endpointRows: true,
  endpointChanged: true,
  refusalAlert: true,
  batchProgress: true,
} satisfies Record<keyof ServiceEvents, true>;
export const serviceEventNames = Object.keys(serviceEventSet) as Array<keyof ServiceEvents>;

/** Channel on which main pushes PushedEvent messages to the renderer. */
export const eventChannel = 'regdesk:event';

/** What crosses any transport for one call: results and errors as plain data, never thrown. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: ServiceError };

/** What a transport (preload bridge, WebSocket) offers the renderer: one function per operation. */
export type RegDeskBridge = {
  [K in OperationName]: (...args: OperationArgs<K>) => Promise<CallResult<OperationResult<K>>>;
} & {
  /** Receive pushed events; returns the unsubscribe function. */
  subscribe(listener: (message: PushedEvent) => void): () => void;
};

/** The renderer's typed API: the services' operations that throw ServiceFailure, plus events. */
export type RegDeskApi = Pick<RegDeskServices, OperationName> & {
  on<K extends PushedEventName>(event: K, listener: (payload: PushedEvents[K]) => void): () => void;
};
