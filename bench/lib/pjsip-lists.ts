// PJSIPShowEndpoints / PJSIPShowAors / PJSIPShowContacts answers for a large PBX, in the exact
// format Asterisk 22.10.1 was recorded answering (tests/fixtures/a_phone1_two_contacts_queries.txt):
// every block is a recorded block with its item-specific values replaced, fields in recorded
// order. The ActionID is spliced in per request, so a client's own ids are answered.
import { createHash } from 'node:crypto';
import { readTranscript, sessionBytes } from '../../tests/support/transcript';

/** A recorded block's fields, in wire order. */
export type Fields = Array<[string, string]>;

/** One answer, as bytes around the ActionID value (always the second line of a recorded block). */
interface Block {
  beforeId: Buffer;
  afterId: Buffer;
}

export interface ListAnswers {
  /** The answer to `action` (any case, as AMI reads action names) with `actionId` spliced in; null for other actions. */
  answer(action: string, actionId: string): Buffer | null;
  /** List items over all three answers (EndpointList + AorList + ContactList). */
  items: number;
}

const RECORDING = 'a_phone1_two_contacts_queries.txt';
const CRLF = '\r\n';

/** Every block a session of a recording received. */
export function recordedBlocks(recording: string = RECORDING, session = 'S1'): Fields[] {
  const text = sessionBytes(readTranscript(recording), session, 'recv').toString('utf8');
  return text
    .split('\r\n\r\n')
    .filter((b) => b.includes(': '))
    .map((b) => b.split(CRLF).filter((l) => l.length > 0).map((l) => {
      const colon = l.indexOf(': ');
      return colon === -1 ? ([l.replace(/:$/, ''), ''] as [string, string]) : ([l.slice(0, colon), l.slice(colon + 2)] as [string, string]);
    }));
}

/** The first block with `key: value` (and matching `where`). */
export function first(blocks: Fields[], key: string, value: string, where: (f: Fields) => boolean = () => true): Fields {
  const found = blocks.find((f) => f.some(([k, v]) => k === key && v === value) && where(f));
  if (!found) throw new Error(`no recorded block with ${key}: ${value}`);
  return found;
}

const actionIdOf = (f: Fields) => f.find(([k]) => k === 'ActionID')?.[1];
const named = (name: string) => (f: Fields) => f.some(([k, v]) => k === 'ObjectName' && v === name);

function checkOverrides(template: Fields, overrides: Record<string, string>): void {
  for (const key of Object.keys(overrides)) if (!template.some(([k]) => k === key)) throw new Error(`recorded block has no ${key}`);
}

const line = (overrides: Record<string, string>) => ([k, v]: [string, string]) => `${k}: ${overrides[k] ?? v}${CRLF}`;

/** The recorded block with `overrides` applied, as wire text; every overridden key must exist in the recording. */
export function renderBlock(template: Fields, overrides: Record<string, string>): string {
  checkOverrides(template, overrides);
  return template.map(line(overrides)).join('') + CRLF;
}

/** The same for a list block, with the ActionID (its second line) left to splice in. */
function block(template: Fields, overrides: Record<string, string>): Block {
  checkOverrides(template, overrides);
  if (template[1]?.[0] !== 'ActionID') throw new Error('recorded block without ActionID on its second line');
  const render = line(overrides);
  return {
    beforeId: Buffer.from(`${render(template[0]!)}ActionID: `),
    afterId: Buffer.from(CRLF + template.slice(2).map(render).join('') + CRLF),
  };
}

export function endpointName(i: number): string {
  return `ep${String(i).padStart(5, '0')}`;
}

/** A phone's contact URI as the recorded Grandstream phones sent it. */
export function contactUri(i: number, n: number): string {
  return `sip:${endpointName(i)}@${viaAddr(i)}:${5060 + n};rinstance=${hex(`${i}/${n}`, 16)}`;
}

export function viaAddr(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

function hex(seed: string, length: number): string {
  return createHash('md5').update(seed).digest('hex').slice(0, length);
}

/** Answers for `endpoints` endpoints (one AOR each, same name, max_contacts = contactsPerAor), each AOR full. */
export function generateListAnswers(endpoints: number, contactsPerAor: number, expirationTime: number): ListAnswers {
  const recorded = recordedBlocks();
  const answers = new Map<string, Block[]>();
  const list = (action: string, event: string, items: Block[]) => {
    const complete = first(recorded, 'Event', `${event}Complete`);
    const start = first(recorded, 'Response', 'Success', (f) => actionIdOf(f) === actionIdOf(complete));
    answers.set(action.toLowerCase(), [block(start, {}), ...items, block(complete, { ListItems: String(items.length) })]);
  };
  const contactT = first(recorded, 'Event', 'ContactList');
  const aorT = first(recorded, 'Event', 'AorList', named('phone1'));
  const endpointT = first(recorded, 'Event', 'EndpointList', named('phone1'));
  const contacts: Block[] = [];
  const aors: Block[] = [];
  const eps: Block[] = [];
  for (let i = 1; i <= endpoints; i++) {
    const name = endpointName(i);
    const uris: string[] = [];
    for (let n = 1; n <= contactsPerAor; n++) {
      const uri = contactUri(i, n);
      uris.push(`${name}/${uri}`);
      contacts.push(
        block(contactT, {
          ObjectName: `${name};@${createHash('md5').update(uri).digest('hex')}`,
          ViaAddr: viaAddr(i),
          CallId: `${hex(uri, 24)}@${viaAddr(i)}`,
          Endpoint: name,
          ViaPort: String(5060 + n),
          Uri: uri,
          ExpirationTime: String(expirationTime),
        }),
      );
    }
    aors.push(block(aorT, { ObjectName: name, MaxContacts: String(contactsPerAor), Contacts: uris.join(',') }));
    eps.push(block(endpointT, { ObjectName: name, Aor: name, Auths: name, Contacts: uris.map((u) => `${u},`).join('') }));
  }
  list('PJSIPShowEndpoints', 'EndpointList', eps);
  list('PJSIPShowAors', 'AorList', aors);
  list('PJSIPShowContacts', 'ContactList', contacts);
  return { items: contacts.length + aors.length + eps.length, answer: answerFrom(answers) };
}

/**
 * Answers rendered once per action and ActionID, then handed out as they are: the server
 * starts writing at once, as Asterisk streams a list, instead of spending tens of milliseconds
 * joining tens of thousands of blocks (or copying 10 MB) before the first byte. Clients number
 * their actions per connection, so a few ids cover every sync; the answers are never written to
 * after rendering, so a socket still sending an earlier copy is safe.
 */
function answerFrom(answers: Map<string, Block[]>): ListAnswers['answer'] {
  const rendered = new Map<string, Buffer>();
  return (action, actionId) => {
    const blocks = answers.get(action.toLowerCase());
    if (!blocks) return null;
    const key = `${action.toLowerCase()}/${actionId}`;
    let bytes = rendered.get(key);
    if (!bytes) {
      const id = Buffer.from(actionId);
      bytes = Buffer.concat(blocks.flatMap((b) => [b.beforeId, id, b.afterId]));
      rendered.set(key, bytes);
    }
    return bytes;
  };
}
