// The gateway secret (and the head office credential) under Electron: encrypted with safeStorage (DPAPI on Windows, Keychain on
// macOS, libsecret/kwallet on Linux). Where the OS offers no keyring (Linux "basic_text"), the
// secret is kept in a file only this user can read, and the settings screen says so plainly.
import { safeStorage } from 'electron';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FileSecretStore, writeFileAtomic, type SecretStore } from '../settings/store.js';

/** `name`: gateway-secret (the gateway's MD5 key) or headoffice-credential (the till's head office login). */
export function createSecretStore(dataDir: string, name: 'gateway-secret' | 'headoffice-credential' = 'gateway-secret'): SecretStore {
  const keyring = safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
  if (!keyring) return new FileSecretStore(join(dataDir, `${name}.txt`));
  const path = join(dataDir, `${name}.enc`);
  return {
    kind: 'os-keyring',
    load: () => (existsSync(path) ? safeStorage.decryptString(readFileSync(path)) : null),
    save: (secret) => writeFileAtomic(path, safeStorage.encryptString(secret)),
    clear: () => rmSync(path, { force: true }),
  };
}
