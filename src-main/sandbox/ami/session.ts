// One AMI connection, as main/manager.c runs it (process_message, action_login,
// action_challenge, action_events, action_logoff): login (plain or MD5 challenge) and its
// security events, the Permission denied and unknown-action answers, per-user write classes for actions, and event delivery filtered by
// the user's read classes and the session's event mask. Events that an action causes reach
// its own session after the action's answer, as Asterisk's event queue delivers them.
import { createHash, randomInt } from 'node:crypto';
import type { ManagerUser } from '../config/types';
import { ManagerAcl } from './acl';
import { actionRequest } from './actions/action';
import type { ActionSpec } from './actions/action';
import type { AmiRequest } from './input';
import { getHeader } from './input';
import type { AmiEventOut, PbxView } from './pbx-view';
import { ALL_CLASSES, CLASS, classMask, eventMask, mayRunAction, privilegeText, sessionReceives } from './permissions';
import type { AmiPeer, AmiSecurityKind } from './security-events';
import { amiSecurityEvent } from './security-events';
import { AmiHeaderError, encodeMessage, error, event, response, success } from './wire';

/** What a session needs from the server around it. */
export interface SessionHost {
  readonly pbx: PbxView;
  readonly actions: ReadonlyMap<string, ActionSpec>;
  now(): number;
  write(text: string): void;
  /** Close after what was written has been flushed. */
  end(): void;
  /** Raise an event to every session (this one included). */
  broadcast(e: AmiEventOut): void;
  /** action_login sleeps 1 s before answering a failed login. */
  readonly authFailureDelayMs: number;
  schedule(fn: () => void, ms: number): void;
}

type State = 'open' | 'authenticated' | 'closing';

export class AmiSession {
  private state: State = 'open';
  private username = '';
  private readMask = 0;
  private writeMask = 0;
  /** build_mansession starts every session with all events on. */
  private mask = ALL_CLASSES;
  private deferring = false;
  private deferred: string[] = [];
  private loggedOff = false;
  private challenge = '';

  constructor(
    private readonly host: SessionHost,
    private readonly peer: AmiPeer,
  ) {}

  get authenticated(): boolean {
    return this.state === 'authenticated';
  }

  get closing(): boolean {
    return this.state === 'closing';
  }

  /** An event raised anywhere: written if this session may read it. */
  deliver(e: AmiEventOut): void {
    if (this.state !== 'authenticated') return;
    const category = classMask(e.privilege);
    if (!sessionReceives(this.readMask, this.mask, category)) return;
    const text = event(e.event, privilegeText(category), e.fields);
    if (this.deferring) this.deferred.push(text);
    else this.host.write(text);
  }

  handle(request: AmiRequest): void {
    if (this.state === 'closing') return;
    this.deferring = true;
    try {
      this.host.write(this.answer(request));
      if (this.loggedOff) this.host.end();
    } catch (e) {
      if (!(e instanceof AmiHeaderError)) throw e;
      // A value that cannot be written safely (a CR smuggled into a stored value or an
      // ActionID): answer without echoing anything of the request.
      this.host.write(encodeMessage([['Response', 'Error'], ['Message', 'Refused to write a value containing CR, LF or NUL']]));
    } finally {
      this.deferring = false;
      const pending = this.deferred;
      this.deferred = [];
      for (const text of pending) this.host.write(text);
    }
  }

  private answer(request: AmiRequest): string {
    const actionId = getHeader(request.headers, 'ActionID');
    if (request.kind === 'tooManyLines') return error(actionId, 'Too many lines in message or allocation failure');
    if (request.kind === 'lineTooLong') return error(actionId, 'Failed to parse message: line too long');
    const action = getHeader(request.headers, 'Action', { skipEmpty: true });
    if (action === '') {
      this.report({ event: 'RequestBadFormat', accountId: this.username, action: 'NONE' });
      return error(actionId, 'Missing action in request');
    }
    const name = action.toLowerCase();
    if (this.state !== 'authenticated' && name !== 'login' && name !== 'logoff' && name !== 'challenge') {
      this.report({ event: 'RequestNotAllowed', accountId: this.username, action });
      return error(actionId, 'Permission denied');
    }
    if (name === 'login') return this.login(request.headers, actionId);
    if (name === 'logoff') {
      this.state = 'closing';
      this.loggedOff = true;
      return response('Goodbye', actionId, [['Message', 'Thanks for all the fish.']]);
    }
    if (name === 'challenge') return this.challengeAction(request.headers, actionId);
    if (name === 'events') return this.events(request.headers, actionId);
    const spec = this.host.actions.get(name);
    if (!spec) {
      this.report({ event: 'RequestBadFormat', accountId: this.username, action });
      // process_message formats it into a 512-byte buffer.
      return error(actionId, `Invalid/unknown command: ${action}. Use Action: ListCommands to show available commands.`.slice(0, 511));
    }
    if (!mayRunAction(this.writeMask, spec.category)) {
      this.report({ event: 'RequestNotAllowed', accountId: this.username, action });
      return error(actionId, 'Permission denied');
    }
    return spec.run(actionRequest(request.headers), { pbx: this.host.pbx, now: () => this.host.now() });
  }

  private login(headers: readonly string[], actionId: string): string {
    if (this.state === 'authenticated') return success(actionId, 'Already authenticated');
    const user = this.authenticate(headers);
    if (!user) {
      this.state = 'closing';
      this.host.schedule(() => {
        this.host.write(error(actionId, 'Authentication failed'));
        this.host.end();
      }, this.host.authFailureDelayMs);
      return '';
    }
    this.state = 'authenticated';
    this.username = getHeader(headers, 'Username');
    this.readMask = classMask(user.read);
    this.writeMask = classMask(user.write);
    this.mask = eventMask(getHeader(headers, 'Events')) ?? this.mask;
    const now = this.host.now();
    this.peer.sessionStart = now;
    this.report({ event: 'SuccessfulAuth', accountId: this.username });
    let out = success(actionId, 'Authentication accepted');
    if ((this.mask & CLASS.system) !== 0 && (this.readMask & CLASS.system) !== 0) {
      const { startedAt, lastReloadAt } = this.host.pbx;
      out += event('FullyBooted', privilegeText(CLASS.system), [
        ['Uptime', String(Math.floor((now - startedAt) / 1000))],
        ['LastReload', String(Math.floor((now - lastReloadAt) / 1000))],
        ['Status', 'Fully Booted'],
      ]);
    }
    return out;
  }

  /** manager.c authenticate(): unknown user, ACL, then the secret; each failure reported. */
  private authenticate(headers: readonly string[]): ManagerUser | null {
    const username = getHeader(headers, 'Username');
    if (username === '') return null;
    const user = this.host.pbx.config.managerUsers.find((u) => u.name.toLowerCase() === username.toLowerCase());
    if (!user) {
      this.report({ event: 'InvalidAccountID', accountId: username });
      return null;
    }
    if (!new ManagerAcl(user.permit, user.deny).allows(this.peer.remote.address)) {
      this.report({ event: 'FailedACL', accountId: username });
      return null;
    }
    if (getHeader(headers, 'AuthType').toLowerCase() === 'md5') return this.challengeAnswered(user, getHeader(headers, 'Key')) ? user : null;
    if (getHeader(headers, 'Secret') !== user.secret) {
      this.report({ event: 'InvalidPassword', accountId: username });
      return null;
    }
    return user;
  }

  /** Login with AuthType MD5: Key must be md5(challenge + secret), the challenge from Challenge. */
  private challengeAnswered(user: ManagerUser, key: string): boolean {
    if (key === '' || this.challenge === '') return false;
    const expected = createHash('md5').update(this.challenge + user.secret).digest('hex');
    if (key === expected) return true;
    this.report({ event: 'ChallengeResponseFailed', accountId: user.name, challenge: this.challenge, response: key, expected });
    return false;
  }

  /** action_challenge: one challenge per session (9 digits: it lives in a char[10]). */
  private challengeAction(headers: readonly string[], actionId: string): string {
    if (getHeader(headers, 'AuthType').toLowerCase() !== 'md5') return error(actionId, 'Must specify AuthType');
    if (this.challenge === '') this.challenge = String(randomInt(0, 2 ** 31)).slice(0, 9);
    return response('Success', actionId, [['Challenge', this.challenge]]);
  }

  private events(headers: readonly string[], actionId: string): string {
    const mask = eventMask(getHeader(headers, 'EventMask'));
    if (mask === null) return error(actionId, 'Invalid event mask');
    this.mask = mask;
    return response('Success', actionId, [['Events', mask > 0 ? 'On' : 'Off']]);
  }

  private report(kind: AmiSecurityKind): void {
    this.host.broadcast(amiSecurityEvent(kind, this.peer, this.host.now()));
  }
}
