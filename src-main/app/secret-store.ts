import { safeStorage } from 'electron';
import type { SecretStore } from '../services/api';

/**
 * PBX secrets sealed by the OS keystore (Keychain, DPAPI, libsecret/kwallet). On Linux without a
 * keyring safeStorage falls back to a hard-coded key ("basic_text"): that is no protection, so
 * it counts as unavailable and services keep such secrets in memory only.
 */
export const safeStorageSecretStore: SecretStore = {
  isAvailable: () =>
    safeStorage.isEncryptionAvailable() &&
    (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text'),
  encrypt: (plain) => safeStorage.encryptString(plain),
  decrypt: (sealed) => safeStorage.decryptString(sealed),
};
