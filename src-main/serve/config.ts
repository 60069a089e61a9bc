// `regdesk serve`'s YAML config, read and checked in full before anything starts: every error
// names the file, the line and the field. Secrets are given by reference only (an environment
// variable, or a file such as a systemd credential); an inline `secret:` is refused, so the
// config file itself never holds one.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { normalizeFingerprint } from '../ami/tls';

export const DEFAULT_LISTEN: ListenAddress = { host: '127.0.0.1', port: 9469 };

export interface ListenAddress {
  host: string;
  port: number;
}

export type SecretRef = { kind: 'file'; path: string } | { kind: 'env'; name: string };

export interface PbxConfig {
  /** The `pbx` label. */
  name: string;
  host: string;
  port: number;
  user: string;
  secret: SecretRef;
  /** AMI over TLS; null: plain TCP. */
  tls: { pinnedFingerprint: string | null } | null;
  /** Where this PBX is in the file, for errors found later (its secret file). */
  line: number;
}

export interface ServeConfig {
  file: string;
  listen: ListenAddress | null;
  /** A file holding the bearer token /metrics requires; null: no token. */
  metricsBearerTokenFile: string | null;
  /** Export per-AOR series for every AOR, not only the ones that need attention. */
  allAors: boolean;
  pbxs: PbxConfig[];
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly field: string | null,
    readonly problem: string,
  ) {
    super(`${file}${line === null ? '' : `:${line}`}: ${field === null ? '' : `${field}: `}${problem}`);
  }
}

const TOP_FIELDS = ['listen', 'metrics_bearer_token_file', 'all_aors', 'pbxs'] as const;
const PBX_FIELDS = ['name', 'host', 'port', 'user', 'secret_file', 'secret_env', 'tls', 'tls_fingerprint'] as const;
/** Fields known but refused, with why. AMI through SSH will add `ssh` here as a real field. */
const REFUSED_PBX_FIELDS: Record<string, string> = {
  secret: 'an inline secret is refused: give secret_file (e.g. a systemd credential) or secret_env instead',
  ssh: 'AMI through SSH is not supported by this version of regdesk serve yet',
};
/** A Prometheus label value must not carry control characters; AMI headers must not carry CR/LF/NUL. */
const CONTROL = /[\u0000-\u001f\u007f]/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Read and check `file`; throws ConfigError. */
export function readServeConfig(file: string): ServeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, null, null, `cannot read the config file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseServeConfig(file, text);
}

export function parseServeConfig(file: string, text: string): ServeConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined): number | null => (node?.range ? lines.linePos(node.range[0]).line : null);
  const fail = (node: Node | null | undefined, field: string | null, problem: string): never => {
    throw new ConfigError(file, lineOf(node), field, problem);
  };
  const firstError = doc.errors[0];
  if (firstError) throw new ConfigError(file, lines.linePos(firstError.pos[0]).line, null, `not valid YAML: ${firstError.message.split('\n')[0]}`);
  const root = doc.contents;
  if (!isMap(root)) return fail(root, null, 'expected a mapping with at least `pbxs:`');
  const top = fields(root, TOP_FIELDS, {}, '', fail);

  const listenNode = top.get('listen');
  const listen = listenNode ? parseListen(scalarText(listenNode, 'listen', fail), (p) => fail(listenNode, 'listen', p)) : null;
  if (listen && !isLoopback(listen.host)) {
    fail(listenNode, 'listen', `${listen.host} is not a loopback address: a non-loopback address is only taken from --listen on the command line, so that exposing /metrics is always explicit`);
  }
  const tokenNode = top.get('metrics_bearer_token_file');
  const metricsBearerTokenFile = tokenNode ? credentialPath(file, scalarText(tokenNode, 'metrics_bearer_token_file', fail)) : null;
  const allAorsNode = top.get('all_aors');
  const allAors = allAorsNode ? scalarBool(allAorsNode, 'all_aors', fail) : false;

  const pbxsNode = top.get('pbxs');
  if (!pbxsNode) return fail(root, 'pbxs', 'missing: list the PBXs to watch');
  if (!isSeq(pbxsNode) || pbxsNode.items.length === 0) return fail(pbxsNode, 'pbxs', 'expected a list of at least one PBX');
  const seen = new Map<string, number>();
  const pbxs = pbxsNode.items.map((item, i) => {
    const where = `pbxs[${i}]`;
    if (!isMap(item)) return fail(item as Node, where, 'expected a mapping (name, host, port, user, secret_file or secret_env)');
    const pbx = parsePbx(file, item, where, fail, lineOf(item) ?? 0);
    const earlier = seen.get(pbx.name);
    if (earlier !== undefined) fail(item.get('name', true), `${where}.name`, `${JSON.stringify(pbx.name)} is already the name of the PBX on line ${earlier}: names are the pbx label and must be unique`);
    seen.set(pbx.name, pbx.line);
    return pbx;
  });
  return { file, listen, metricsBearerTokenFile, allAors, pbxs };
}

type Fail = (node: Node | null | undefined, field: string | null, problem: string) => never;

function parsePbx(file: string, map: YAMLMap, where: string, fail: Fail, line: number): PbxConfig {
  const f = fields(map, PBX_FIELDS, REFUSED_PBX_FIELDS, `${where}.`, fail);
  const required = (key: (typeof PBX_FIELDS)[number]): string => {
    const node = f.get(key);
    if (!node) return fail(map, `${where}.${key}`, 'missing');
    const text = scalarText(node, `${where}.${key}`, fail);
    if (text === '' || CONTROL.test(text)) fail(node, `${where}.${key}`, 'must be non-empty, without control characters (CR, LF, NUL, ...)');
    return text;
  };
  const name = required('name');
  const host = required('host');
  const user = required('user');

  const fileNode = f.get('secret_file');
  const envNode = f.get('secret_env');
  if ((fileNode === undefined) === (envNode === undefined)) fail(map, `${where}.secret_file`, 'give exactly one of secret_file or secret_env');
  let secret: SecretRef;
  if (fileNode) secret = { kind: 'file', path: credentialPath(file, required('secret_file')) };
  else {
    const env = required('secret_env');
    if (!ENV_NAME.test(env)) fail(envNode, `${where}.secret_env`, `${JSON.stringify(env)} is not an environment variable name`);
    secret = { kind: 'env', name: env };
  }

  const fpNode = f.get('tls_fingerprint');
  const pinned = fpNode ? normalizeFingerprint(scalarText(fpNode, `${where}.tls_fingerprint`, fail)) : null;
  if (fpNode && pinned === null) fail(fpNode, `${where}.tls_fingerprint`, 'expected a SHA-256 fingerprint (AB:CD:... as openssl x509 -noout -fingerprint -sha256 prints it)');
  const tlsNode = f.get('tls');
  const tlsOn = tlsNode ? scalarBool(tlsNode, `${where}.tls`, fail) : false;
  if (fpNode && tlsNode && !tlsOn) fail(tlsNode, `${where}.tls`, 'tls: false with a tls_fingerprint: a pinned certificate needs TLS');
  const tls = tlsOn || pinned !== null ? { pinnedFingerprint: pinned } : null;

  const portNode = f.get('port');
  let port = tls ? 5039 : 5038;
  if (portNode) {
    port = Number(scalarText(portNode, `${where}.port`, fail));
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(portNode, `${where}.port`, 'expected a port number (1-65535)');
  }
  return { name, host, port, user, secret, tls, line };
}

/** The map's fields by name; an unknown or refused field is an error naming its line. */
function fields<K extends string>(map: YAMLMap, known: readonly K[], refused: Record<string, string>, prefix: string, fail: Fail): Map<K, Node> {
  const out = new Map<K, Node>();
  for (const pair of map.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const why = refused[key];
    if (why) fail(keyNode, `${prefix}${key}`, why);
    if (!(known as readonly string[]).includes(key)) fail(keyNode, `${prefix}${key}`, `unknown field (known: ${known.join(', ')})`);
    if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) fail(keyNode, `${prefix}${key}`, 'has no value');
    out.set(key as K, pair.value as Node);
  }
  return out;
}

function scalarText(node: Node, field: string, fail: Fail): string {
  if (!isScalar(node) || typeof node.value === 'object') return fail(node, field, 'expected a single value');
  return String(node.value);
}

function scalarBool(node: Node, field: string, fail: Fail): boolean {
  if (!isScalar(node) || typeof node.value !== 'boolean') return fail(node, field, 'expected true or false');
  return node.value;
}

/** `ADDR:PORT` with an IP address (IPv6 in brackets); throws through `bad`. */
export function parseListen(text: string, bad: (problem: string) => never): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text.trim());
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!m || !host) return bad(`expected ADDR:PORT (e.g. 127.0.0.1:9469, [::1]:9469), not ${JSON.stringify(text)}`);
  if (isIP(host) === 0) return bad(`${JSON.stringify(host)} is not an IP address (a host name could resolve elsewhere later)`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return bad(`${m[3]} is not a port number`);
  return { host, port };
}

export function isLoopback(host: string): boolean {
  return host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:127\./i.test(host);
}

function relativeTo(configFile: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(configFile), path);
}

/**
 * A relative secret_file (or metrics_bearer_token_file) is a systemd credential name when the service has them
 * ($CREDENTIALS_DIRECTORY, set by LoadCredential=), else relative to the config file.
 */
function credentialPath(configFile: string, path: string): string {
  const credentials = process.env.CREDENTIALS_DIRECTORY;
  if (!isAbsolute(path) && credentials) return resolve(credentials, path);
  return relativeTo(configFile, path);
}
