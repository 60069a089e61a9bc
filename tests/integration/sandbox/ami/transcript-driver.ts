// Replays a recorded lab experiment against the Sandbox PBX: the same AMI sessions send the same
// bytes, the same phones (sipp, same ports when free, same Contact URI, User-Agent and Call-ID)
// register in the same order, and every message each session receives is kept for comparison
// with what Asterisk 22.10.1 sent. What may differ is decided by the caller (normalize).
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contactId } from '../../../../src-main/core/contact-id';
import { FIXTURES_DIR, readTranscript } from '../../../support/transcript';
import { freeUdpPort, registerPhone, unregisterPhone } from '../../../support/sip-phone';
import { rawClient } from './raw-client';
import type { RawClient } from './raw-client';

export type Step =
  | { kind: 'connect'; session: string }
  /**
   * `at`: ms after the recording's first chunk, so that waits (qualify rounds) are kept;
   * `after`: how many messages each session had received when it was sent.
   */
  | { kind: 'send'; session: string; text: string; actionId: string; at: number; after: Map<string, number> }
  /** tools/options_responder.py: answers OPTIONS on the phone's port for a while. */
  | { kind: 'responder'; port: number; seconds: number }
  /** The lab's amilab.py samples taken in sessions of their own (user lab, Events: off), whose
   *  logins the recorded sessions see as SuccessfulAuth (the 20.20.1 and 23.4.1 recordings). */
  | { kind: 'sideSessions'; actions: string[] }
  | { kind: 'register'; user: string; port: number; contactUri: string; expires: number; password: string; status: number; userAgent: string };

export interface Recording {
  steps: Step[];
  /** Messages each session received, in order. */
  received: Map<string, string[]>;
  /** The banner each session received (the AMI version: it differs per Asterisk branch). */
  banners: Map<string, string>;
}

const REGISTER_LINE = /^#\| REGISTER (\S+) from 127\.0\.0\.1:(\d+) Contact=<([^>]+)> Expires=(\d+) UA='([^']*)' -> SIP\/2\.0 (\d{3})/;
const LAB_STEP = /^# ==== (?:PASSWORD='([^']*)' )?\.\/lab\.sh register /;
const SIDE_SESSIONS_LINE = /^# ---- \(samples (.+) taken now in separate sessions\) ----$/;
const RESPONDER_LINE = /^# options_responder\.py started on 127\.0\.0\.1:(\d+) \(pid \d+, runs (\d+) s\)/;

function clockMs(time: string): number {
  const [h = 0, m = 0, s = 0] = time.split(':').map(Number);
  return ((h * 60 + m) * 60 + s) * 1000;
}

function splitMessages(text: string): string[] {
  return text
    .split('\r\n\r\n')
    .filter((m) => m !== '')
    .map((m) => `${m}\r\n\r\n`);
}

export function readRecording(name: string): Recording {
  const transcript = readTranscript(name);
  const steps: Step[] = [];
  const received = new Map<string, string[]>();
  const banners = new Map<string, string>();
  const t0 = clockMs(transcript.chunks[0]?.time ?? '0:0:0');
  for (const chunk of transcript.chunks) {
    const text = chunk.bytes.toString('utf8');
    if (chunk.banner) {
      steps.push({ kind: 'connect', session: chunk.session });
      received.set(chunk.session, []);
      banners.set(chunk.session, text);
    } else if (chunk.direction === 'sent') {
      const after = new Map([...received].map(([session, messages]) => [session, messages.length]));
      steps.push({ kind: 'send', session: chunk.session, text, actionId: /ActionID: (\S+)\r\n/.exec(text)?.[1] ?? '', at: clockMs(chunk.time) - t0, after });
    } else {
      received.get(chunk.session)?.push(...splitMessages(text));
    }
  }
  // Phones and responders: the lab's own log lines, placed among the sessions' chunks.
  const lines = rawLines(name);
  let password: string | null = null;
  const labSteps: Array<{ at: number; step: Step }> = [];
  for (const [index, line] of lines.entries()) {
    const lab = LAB_STEP.exec(line);
    if (lab) password = lab[1] ?? null;
    const side = SIDE_SESSIONS_LINE.exec(line);
    if (side) labSteps.push({ at: index, step: { kind: 'sideSessions', actions: side[1]!.split(', ') } });
    const responder = RESPONDER_LINE.exec(line);
    if (responder) labSteps.push({ at: index, step: { kind: 'responder', port: Number(responder[1]), seconds: Number(responder[2]) } });
    const m = REGISTER_LINE.exec(line);
    if (!m) continue;
    const [, user = '', port = '', contactUri = '', expires = '', userAgent = '', status = ''] = m;
    labSteps.push({
      at: index,
      step: { kind: 'register', user, port: Number(port), contactUri, expires: Number(expires), password: password ?? `pw-${user}`, status: Number(status), userAgent },
    });
  }
  return { steps: mergeByLine(name, steps, labSteps), received, banners };
}

function rawLines(name: string): string[] {
  return readFileSync(join(FIXTURES_DIR, name), 'latin1').split('\n');
}

/**
 * The lab prints a phone's log line after the events it caused; the phone acted when its
 * `# ==== ./lab.sh register` header was printed, so it goes right after the last sent chunk
 * that precedes that header (sessions only receive in between).
 */
function mergeByLine(name: string, steps: Step[], phones: Array<{ at: number; step: Step }>): Step[] {
  const lines = rawLines(name);
  const chunkLines: number[] = [];
  lines.forEach((line, i) => {
    if (/^#--- \S+ (>>> sent|<<< recv \(banner\))/.test(line)) chunkLines.push(i);
  });
  const merged: Step[] = [];
  let phone = 0;
  steps.forEach((step, i) => {
    const line = chunkLines[i] ?? Number.MAX_SAFE_INTEGER;
    while (phone < phones.length && phones[phone]!.at < line) merged.push(phones[phone++]!.step);
    merged.push(step);
  });
  while (phone < phones.length) merged.push(phones[phone++]!.step);
  return merged;
}

/**
 * Recorded Call-IDs by phone port, in order, so the replayed phones send the same ones: each
 * REGISTER shows as one ChallengeSent in every session that listened; the session that saw the
 * most of them tells them all once.
 */
function recordedCallIds(recording: Recording): Map<number, string[]> {
  const perSession = [...recording.received.values()].map((messages) =>
    messages.flatMap((m) => {
      const sent = /^Event: ChallengeSent\r\n[\s\S]*SessionID: (\S+)\r\n[\s\S]*RemoteAddress: IPV4\/UDP\/127\.0\.0\.1\/(\d+)\r\n/.exec(m);
      return sent ? [{ callId: sent[1]!, port: Number(sent[2]) }] : [];
    }),
  );
  const widest = perSession.reduce((a, b) => (b.length > a.length ? b : a), []);
  const byPort = new Map<number, string[]>();
  for (const { callId, port } of widest) byPort.set(port, [...(byPort.get(port) ?? []), callId]);
  return byPort;
}

/** A ContactList's CallId for a URI, for phones that registered while no session listened. */
function recordedCallIdOf(recording: Recording, uri: string): string | undefined {
  for (const messages of recording.received.values()) {
    for (const m of messages) {
      if (m.startsWith('Event: ContactList\r\n') && m.includes(`\r\nUri: ${uri}\r\n`)) return /\r\nCallId: (\S+)\r\n/.exec(m)?.[1];
    }
  }
  return undefined;
}

async function portIsFree(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  const free = await new Promise<boolean>((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => resolve(true));
  });
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return free;
}

/** `text` with each recorded port or contact id of `replacements` turned into the replayed one. */
export function withReplacements(text: string, replacements: ReadonlyArray<[string, string]>): string {
  return replacements.reduce((rewritten, [from, to]) => rewritten.split(from).join(to), text);
}

export interface Replay {
  /** Messages each replayed session received. */
  received: Map<string, string[]>;
  banners: Map<string, string>;
  /** Recorded text -> replayed text for ports and contact ids that had to change. */
  replacements: Array<[string, string]>;
  /** SIP status each phone got, with the recorded one. */
  phones: Array<{ recorded: number; got: number; what: string }>;
}

/**
 * Where the replayed phones bind: the recorded port when it is free (the replay's text is then
 * the recording's), or always a fresh free one (rewritten through `replacements`), for a
 * replay that may run beside another one preferring the same recorded ports.
 */
export type PhonePorts = 'recorded-when-free' | 'fresh';

/** `timeScale` > 1 replays the recorded waits that much faster (with a PBX clock as fast). */
export async function replay(recording: Recording, target: { sip: { address: string; port: number }; amiPort: number }, timeScale = 1, phonePorts: PhonePorts = 'recorded-when-free'): Promise<Replay> {
  const clients = new Map<string, RawClient>();
  const banners = new Map<string, string>();
  const replacements: Array<[string, string]> = [];
  const phones: Replay['phones'] = [];
  const callIds = recordedCallIds(recording);
  const portMap = new Map<number, number>();
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 150));
  const started = Date.now();
  const responders: Array<() => void> = [];
  try {
    for (const step of recording.steps) {
      if (step.kind === 'connect') {
        const client = await rawClient(target.amiPort);
        banners.set(step.session, await client.banner);
        clients.set(step.session, client);
      } else if (step.kind === 'send') {
        const client = clients.get(step.session);
        if (!client) throw new Error(`session ${step.session} sends before it connects`);
        const wait = started + step.at / timeScale - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        // What the lab had received by then (events of expiry or qualify included) arrives first,
        // so a late timer shows as a late event, not as a different answer.
        for (const [session, count] of step.after) {
          const c = clients.get(session);
          if (c && c.messages.length < count) await c.waitFor(() => c.messages.length >= count, 10_000).catch(() => undefined);
        }
        // An action naming a phone's contact (a DBDel of its id) names the replayed phone's.
        client.send(withReplacements(step.text, replacements));
        const expected = (recording.received.get(step.session) ?? []).filter((m) => m.includes(`ActionID: ${step.actionId}\r\n`)).length;
        const has = (): number => client.messages.filter((m) => m.includes(`ActionID: ${step.actionId}\r\n`)).length;
        const deadline = Date.now() + 5000;
        while (has() < expected && Date.now() < deadline) await client.waitFor(() => has() >= expected, deadline - Date.now()).catch(() => undefined);
        if (/^Action: (Logoff|Login)\r\n/i.test(step.text) && expected > 0 && /Goodbye|Authentication failed/.test(client.messages.at(-1) ?? '')) {
          await Promise.race([client.closed, new Promise((r) => setTimeout(r, 2000))]);
        }
        await settle();
      } else if (step.kind === 'sideSessions') {
        for (const action of step.actions) await sideSession(target.amiPort, action);
        await settle();
      } else if (step.kind === 'responder') {
        responders.push(await optionsResponder(portMap.get(step.port) ?? step.port, step.seconds * 1000));
      } else {
        let port = portMap.get(step.port);
        if (port === undefined) {
          port = phonePorts === 'recorded-when-free' && (await portIsFree(step.port)) ? step.port : await freeUdpPort();
          portMap.set(step.port, port);
          if (port !== step.port) replacements.push(...portReplacements(step.port, port));
        }
        const contactUri = step.contactUri.replace(`127.0.0.1:${step.port}`, `127.0.0.1:${port}`);
        if (contactUri !== step.contactUri) {
          const [from, to] = [contactId(step.user, step.contactUri), contactId(step.user, contactUri)];
          replacements.push([from, to], [hashOf(from).slice(0, 10), hashOf(to).slice(0, 10)]);
        }
        const callId = callIds.get(step.port)?.shift() ?? recordedCallIdOf(recording, step.contactUri);
        const phone = { server: target.sip, user: step.user, password: step.password, localPort: port, contactUri, userAgent: step.userAgent, ...(callId ? { callId } : {}) };
        const result = step.expires === 0 ? await unregisterPhone(phone) : await registerPhone({ ...phone, expires: step.expires });
        phones.push({ recorded: step.status, got: result.status, what: `${step.user} from ${step.port} expires ${step.expires}` });
        await settle();
      }
    }
    await settle();
    return { received: new Map([...clients].map(([session, c]) => [session, [...c.messages]])), banners, replacements, phones };
  } finally {
    for (const c of clients.values()) c.close();
    for (const stop of responders) stop();
  }
}

/** One amilab.py sample: log in as lab, one action, log off. */
async function sideSession(amiPort: number, action: string): Promise<void> {
  const client = await rawClient(amiPort);
  try {
    await client.banner;
    client.send('Action: Login\r\nUsername: lab\r\nSecret: labsecret\r\nEvents: off\r\nActionID: side-1\r\n\r\n');
    await client.waitFor(() => client.messages.some((m) => m.includes('ActionID: side-1\r\n')), 5000);
    client.send(`Action: ${action}\r\nActionID: side-2\r\n\r\n`);
    await client.waitFor(() => client.messages.some((m) => m.includes('ActionID: side-2\r\n')), 5000);
  } finally {
    client.close();
  }
}

/** Answers every OPTIONS on `port` with 200 OK for `ms`, like the lab's options_responder.py. */
async function optionsResponder(port: number, ms: number): Promise<() => void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  socket.on('message', (msg, from) => {
    const text = msg.toString('utf8');
    if (!text.startsWith('OPTIONS ')) return;
    const copied = text.split('\r\n').filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l));
    const reply = ['SIP/2.0 200 OK', ...copied, 'Content-Length: 0', '', ''].join('\r\n');
    socket.send(reply, from.port, from.address);
  });
  let open = true;
  const stop = (): void => {
    if (open) socket.close();
    open = false;
  };
  const timer = setTimeout(stop, ms);
  return () => {
    clearTimeout(timer);
    stop();
  };
}

function hashOf(id: string): string {
  return id.slice(id.lastIndexOf(';@') + 2);
}

function portReplacements(from: number, to: number): Array<[string, string]> {
  return [
    [`127.0.0.1:${from}`, `127.0.0.1:${to}`],
    [`IPV4/UDP/127.0.0.1/${from}\r\n`, `IPV4/UDP/127.0.0.1/${to}\r\n`],
    [`ViaPort: ${from}\r\n`, `ViaPort: ${to}\r\n`],
    [`"via_port":"${from}"`, `"via_port":"${to}"`],
  ];
}
