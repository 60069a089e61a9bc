// Renderer side of the contract: a transport-neutral bridge and the typed client built on it.
// Plain TypeScript without Node or Electron imports: the preload and the renderer bundle it.
import { ServiceFailure } from '../services/api';
import {
  operationNames,
  type CallResult,
  type OperationName,
  type PushedEvent,
  type PushedEventName,
  type PushedEvents,
  type RegDeskApi,
  type RegDeskBridge,
} from './contract';

export type Invoke = (operation: OperationName, args: unknown[]) => Promise<CallResult<unknown>>;
export type Subscribe = (listener: (message: PushedEvent) => void) => () => void;

/** One function per declared operation, each forwarding to `invoke`. */
export function deriveBridge(invoke: Invoke, subscribe: Subscribe): RegDeskBridge {
  const bridge: Record<string, unknown> = { subscribe };
  for (const operation of operationNames) bridge[operation] = (...args: unknown[]) => invoke(operation, args);
  return bridge as RegDeskBridge;
}

/** The typed API over a bridge: failures are rebuilt as ServiceFailure with their code. */
export function createClient(bridge: RegDeskBridge): RegDeskApi {
  const client: Record<string, unknown> = {
    on<K extends PushedEventName>(event: K, listener: (payload: PushedEvents[K]) => void): () => void {
      return bridge.subscribe((message) => {
        if (message.event === event) listener(message.payload as PushedEvents[K]);
      });
    },
  };
  for (const operation of operationNames) {
    const call = bridge[operation] as (...args: unknown[]) => Promise<CallResult<unknown>>;
    client[operation] = async (...args: unknown[]) => {
      const result = await call(...args);
      if (!result.ok) throw new ServiceFailure(result.error.code, result.error.message);
      return result.value;
    };
  }
  return client as RegDeskApi;
}
