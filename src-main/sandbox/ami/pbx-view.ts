// What the AMI server needs from the Sandbox PBX: the part of the SandboxPbx contract
// (src-main/sandbox/pbx.ts, the SIP side) that the actions read, declared here structurally so
// the protocol layer is tested with any object of this shape.
import type { Aor, Contact, Endpoint } from '../../core/types';
import type { SandboxAsterisk } from '../asterisk-versions';
import type { SandboxConfig } from '../config/types';
import type { AmiEventOut } from '../events';

export type { AmiEventOut } from '../events';

/** The AstDB (contract: astdb.ts). Keys given to get/put/del are family-relative. */
export interface AstDbView {
  get(family: string, key: string): string | undefined;
  put(family: string, key: string, value: string): void;
  del(family: string, key: string): boolean;
  delTree(family: string, key?: string): number;
  /** Entries with full-path keys (`/registrar/contact/<id>`). */
  tree(family?: string): Array<{ key: string; value: string }>;
}

export interface PbxView {
  readonly config: SandboxConfig;
  /** The Asterisk release it passes for: banner, CoreSettings, field differences. */
  readonly asterisk: SandboxAsterisk;
  readonly astdb: AstDbView;
  onAmiEvent(listener: (e: AmiEventOut) => void): () => void;
  contacts(): Contact[];
  aors(): Aor[];
  endpoints(): Endpoint[];
  qualifyEndpoint(name: string): boolean;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly lastReloadAt: number;
}
