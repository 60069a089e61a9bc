// Reading each PBX's AMI secret from where the config points: an environment variable, or a
// file (a systemd credential under $CREDENTIALS_DIRECTORY, a 0600 file). Errors say where the
// secret was looked for, never what it is.
import { readFileSync } from 'node:fs';
import { ConfigError, type PbxConfig, type ServeConfig } from './config';
import type { PbxTarget } from './fleet';

/** Every PBX of `config` with its secret; throws ConfigError for the first that cannot be read. */
export function readSecrets(config: ServeConfig, env: NodeJS.ProcessEnv = process.env): PbxTarget[] {
  return config.pbxs.map((pbx, i) => ({ config: pbx, secret: readSecret(config.file, pbx, `pbxs[${i}]`, env) }));
}

function readSecret(file: string, pbx: PbxConfig, where: string, env: NodeJS.ProcessEnv): string {
  const ref = pbx.secret;
  const field = `${where}.${ref.kind === 'file' ? 'secret_file' : 'secret_env'}`;
  let secret: string;
  if (ref.kind === 'env') {
    const value = env[ref.name];
    if (value === undefined || value === '') throw new ConfigError(file, pbx.line, field, `the environment variable ${ref.name} is not set or empty`);
    secret = value;
  } else {
    try {
      // One trailing newline is how `echo` and editors end a file; it is not part of the secret.
      secret = readFileSync(ref.path, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError(file, pbx.line, field, `cannot read ${ref.path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (secret === '') throw new ConfigError(file, pbx.line, field, `${ref.path} is empty`);
  }
  if (/[\r\n\0]/.test(secret)) throw new ConfigError(file, pbx.line, field, 'the secret holds CR, LF or NUL, which would break the AMI Login header');
  return secret;
}

/** The bearer token /metrics requires, or null; throws ConfigError when its file cannot be read. */
export function readBearerToken(config: ServeConfig): string | null {
  const path = config.metricsBearerTokenFile;
  if (path === null) return null;
  let token: string;
  try {
    token = readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(config.file, null, 'metrics_bearer_token_file', `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (token === '') throw new ConfigError(config.file, null, 'metrics_bearer_token_file', `${path} is empty`);
  return token;
}
