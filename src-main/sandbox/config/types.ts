// The Sandbox PBX configuration, read from the files an Asterisk admin already has:
// pjsip.conf, pjsip_wizard.conf and manager.conf. Shared contract with the AMI server.
import type { Aor } from '../../core/types';

/** One manager.conf user section. */
export interface ManagerUser {
  name: string;
  secret: string;
  /** Read classes, lower-case, as written (`all` kept as `all`), e.g. ['system', 'security']. */
  read: string[];
  write: string[];
  /** permit / deny lines as written in manager.conf (`addr/mask`), in order. */
  permit: string[];
  deny: string[];
}

export interface SandboxEndpoint {
  name: string;
  aors: string[];
  auth: string | null;
  transport: string | null;
  context: string;
  /** Every other option, kept as written (last value wins) and otherwise ignored. */
  options: Record<string, string>;
}

export interface SandboxAuth {
  name: string;
  username: string;
  password: string;
  realm: string | null;
}

export interface SandboxTransport {
  name: string;
  protocol: string;
  bind: string;
}

export interface ConfigWarning {
  file: string;
  line: number;
  message: string;
}

/** manager.conf [general]: where Asterisk serves AMI (main/manager.c: bindaddr, port). */
export interface ManagerGeneral {
  /** `bindaddr`; null when not set (Asterisk's default is 0.0.0.0, the sandbox's 127.0.0.1). */
  bindaddr: string | null;
  /** `port`; null when not set (Asterisk's default 5038). */
  port: number | null;
}

export interface SandboxConfig {
  endpoints: SandboxEndpoint[];
  /** core/types.ts Aor, with Asterisk's defaults applied. */
  aors: Aor[];
  auths: SandboxAuth[];
  transports: SandboxTransport[];
  managerUsers: ManagerUser[];
  managerGeneral: ManagerGeneral;
  /** Malformed lines and unusable sections, with file and line. */
  warnings: ConfigWarning[];
}
