import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import type { SqliteDatabase } from '../../../db/open';
import { LedgerdeskError } from '../errors';

/**
 * Secrets (mall token, merchant key, seal password) get a second layer inside the encrypted
 * database: AES-256-GCM under a key derived from the passphrase with a per-workspace salt, so a
 * leaked database key or a decrypted copy of the tables still does not reveal them.
 */
export interface SecretBox {
  seal(plainText: string): string;
  open(sealed: string): string;
}

const SECRETS_SALT_KEY = 'secrets_salt';

export function deriveSecretBox(sqlite: SqliteDatabase, passphrase: string): SecretBox {
  let saltRow = sqlite.prepare(`SELECT value FROM workspace_meta WHERE key = ?`).get(SECRETS_SALT_KEY) as { value: string } | undefined;
  if (!saltRow && !sqlite.readonly) {
    const salt = randomBytes(16).toString('base64');
    sqlite.prepare(`INSERT INTO workspace_meta (key, value) VALUES (?, ?)`).run(SECRETS_SALT_KEY, salt);
    saltRow = { value: salt };
  }
  const key = scryptSync(passphrase, Buffer.from(saltRow?.value ?? '', 'base64'), 32, { N: 16384, r: 8, p: 1 });
  return {
    seal(plainText) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
    },
    open(sealed) {
      const [version, ivText, tagText, bodyText] = sealed.split('.');
      if (version !== 'v1') throw new LedgerdeskError('workspace_damaged', 'unknown secret format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64'));
      decipher.setAuthTag(Buffer.from(tagText, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}

export function storeSecret(sqlite: SqliteDatabase, box: SecretBox, name: string, value: string, now: Date): void {
  sqlite
    .prepare(
      `INSERT INTO secrets (name, cipher_text, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET cipher_text = excluded.cipher_text, updated_at = excluded.updated_at`,
    )
    .run(name, box.seal(value), now.toISOString());
}

export function readSecret(sqlite: SqliteDatabase, box: SecretBox, name: string): string | null {
  const row = sqlite.prepare(`SELECT cipher_text FROM secrets WHERE name = ?`).get(name) as { cipher_text: string } | undefined;
  return row ? box.open(row.cipher_text) : null;
}

export function readSetting<T>(sqlite: SqliteDatabase, key: string, fallback: T): T {
  const row = sqlite.prepare(`SELECT value_json FROM settings WHERE key = ?`).get(key) as { value_json: string } | undefined;
  return row ? (JSON.parse(row.value_json) as T) : fallback;
}

export function writeSetting(sqlite: SqliteDatabase, key: string, value: unknown, userName: string, now: Date): void {
  sqlite
    .prepare(
      `INSERT INTO settings (key, value_json, updated_at, updated_by) VALUES (?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    )
    .run(key, JSON.stringify(value), now.toISOString(), userName);
}
