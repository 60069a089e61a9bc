// The shape every AMI action handler of the sandbox has: a request in, the exact bytes of its
// answer (response, list events, completion) out. Session-level actions (Login, Logoff,
// Events, Challenge) live in session.ts because they change the session itself.
import { getHeader } from '../input';
import type { PbxView } from '../pbx-view';

export interface ActionRequest {
  readonly headers: readonly string[];
  /** astman_get_header: '' when absent. */
  header(name: string): string;
  readonly actionId: string;
}

export interface ActionContext {
  readonly pbx: PbxView;
  /** Epoch milliseconds. */
  now(): number;
}

export interface ActionSpec {
  /** The classes a user needs in `write` (manager.c: any one of them); 0 for none. */
  readonly category: number;
  run(request: ActionRequest, context: ActionContext): string;
}

export function actionRequest(headers: readonly string[]): ActionRequest {
  return {
    headers,
    header: (name) => getHeader(headers, name),
    actionId: getHeader(headers, 'ActionID'),
  };
}
