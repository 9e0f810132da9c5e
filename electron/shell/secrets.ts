// The gateway secret under Electron: encrypted with safeStorage (DPAPI on Windows, Keychain on
// macOS, libsecret/kwallet on Linux). Where the OS offers no keyring (Linux "basic_text"), the
// secret is kept in a file only this user can read, and the settings screen says so plainly.
import { safeStorage } from 'electron';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FileSecretStore, writeFileAtomic, type SecretStore } from '../settings/store.js';

export function createSecretStore(dataDir: string): SecretStore {
  const keyring = safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
  if (!keyring) return new FileSecretStore(join(dataDir, 'gateway-secret.txt'));
  const path = join(dataDir, 'gateway-secret.enc');
  return {
    kind: 'os-keyring',
    load: () => (existsSync(path) ? safeStorage.decryptString(readFileSync(path)) : null),
    save: (secret) => writeFileAtomic(path, safeStorage.encryptString(secret)),
    clear: () => rmSync(path, { force: true }),
  };
}
