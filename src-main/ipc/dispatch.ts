// Main-process side of the contract: validate, call the services, turn failures into data.
// Shared by the Electron handlers and the browser-mode WebSocket server.
import * as v from 'valibot';
import { SERVICE_ERROR_CODES, ServiceFailure, type RegDeskServices, type ServiceError } from '../services/api';
import { isOperationName, operations, serviceEventNames, type CallResult, type PushedEvent } from './contract';

const knownCodes = new Set<ServiceError['code']>(SERVICE_ERROR_CODES);

/** Any rejection as the `{ code, message }` that crosses to the renderer. */
export function toServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceFailure && knownCodes.has(error.code)) return { code: error.code, message: error.message };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/**
 * Runs one call that arrived over a transport. The operation name and arguments are untrusted:
 * unknown names and arguments that do not match the declared schema are refused with
 * `invalidArgument` before the services see them.
 */
export async function handleCall(services: RegDeskServices, operation: string, args: unknown): Promise<CallResult<unknown>> {
  if (!isOperationName(operation)) {
    return { ok: false, error: { code: 'invalidArgument', message: `unknown operation: ${operation.slice(0, 100)}` } };
  }
  const parsed = v.safeParse(operations[operation], args);
  if (!parsed.success) {
    return { ok: false, error: { code: 'invalidArgument', message: `${operation}: ${describeIssues(parsed.issues)}` } };
  }
  try {
    const method = services[operation] as (...a: unknown[]) => Promise<unknown>;
    const value = await method.apply(services, parsed.output as unknown[]);
    return { ok: true, value: value ?? null };
  } catch (error) {
    return { ok: false, error: toServiceError(error) };
  }
}

/** Forwards every service event to `send` until the returned function is called. */
export function forwardServiceEvents(services: RegDeskServices, send: (message: PushedEvent) => void): () => void {
  const unsubscribers = serviceEventNames.map((event) =>
    services.on(event, (payload) => send({ event, payload } as PushedEvent)),
  );
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
