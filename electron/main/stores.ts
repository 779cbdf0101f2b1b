import { join } from 'node:path';
import { z } from 'zod';
import type { RecentWorkspace } from '../api';
import type { PassphraseMemory, RecentWorkspaceStore } from './handlers';
import { readJsonFile, writeJsonFile } from './json-file';

const RECENT_WORKSPACES_MAX = 8;

const recentSchema = z.array(z.object({ path: z.string(), companyName: z.string(), lastOpenedAt: z.string() }));

/** The list of recently opened workspaces (paths and company names only), in userData/recent-workspaces.json. */
export function fileRecentWorkspaceStore(userDataDirectory: string): RecentWorkspaceStore {
  const file = join(userDataDirectory, 'recent-workspaces.json');
  return {
    list() {
      return readJsonFile(file, recentSchema, []);
    },
    touch(entry: Omit<RecentWorkspace, 'passphraseRemembered'>) {
      const others = readJsonFile(file, recentSchema, []).filter((existing) => existing.path !== entry.path);
      writeJsonFile(file, [entry, ...others].slice(0, RECENT_WORKSPACES_MAX));
    },
  };
}

/** In memory: for the test bridge and for shells without persistent storage. */
export function memoryRecentWorkspaceStore(): RecentWorkspaceStore {
  let entries: Omit<RecentWorkspace, 'passphraseRemembered'>[] = [];
  return {
    list: () => entries.map((entry) => ({ ...entry })),
    touch(entry) {
      entries = [entry, ...entries.filter((existing) => existing.path !== entry.path)].slice(0, RECENT_WORKSPACES_MAX);
    },
  };
}

/** The OS-backed string cipher (Electron safeStorage), passed in so this file needs no Electron import. */
export interface StringCipher {
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

const passphraseFileSchema = z.record(z.string(), z.string());

/**
 * Passphrases encrypted by the OS key store (DPAPI on Windows, Keychain on macOS, libsecret on
 * Linux) and kept in userData/passphrases.json as base64; the plain passphrase never touches disk.
 */
export function safeStoragePassphraseMemory(userDataDirectory: string, cipher: StringCipher): PassphraseMemory {
  const file = join(userDataDirectory, 'passphrases.json');
  const load = () => readJsonFile(file, passphraseFileSchema, {});
  return {
    remember(path, passphrase) {
      writeJsonFile(file, { ...load(), [path]: cipher.encryptString(passphrase).toString('base64') });
    },
    recall(path) {
      const stored = load()[path];
      if (!stored) return null;
      try {
        return cipher.decryptString(Buffer.from(stored, 'base64'));
      } catch {
        return null; // the OS key changed (new user profile): ask for the passphrase again
      }
    },
    forget(path) {
      const all = load();
      if (!(path in all)) return false;
      delete all[path];
      writeJsonFile(file, all);
      return true;
    },
    has(path) {
      return path in load();
    },
  };
}
