import type { SqliteDatabase } from '../../../db/open';
import { appendAudit } from '../audit/audit-log';
import { LedgerdeskError } from '../errors';
import { hashPassword, verifyPassword } from './passwords';
import { roleMay, roles, type Permission, type Role } from './roles';

export interface Actor {
  userName: string;
  role: Role;
}

export const FAILED_LOGINS_BEFORE_LOCK = 5;
export const LOCK_DURATION_MS = 15 * 60 * 1000;
export const PASSWORD_LENGTH_MIN = 8;

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!roleMay(actor.role, permission)) {
    throw new LedgerdeskError('forbidden', `${actor.userName} (${actor.role}) may not ${permission}`);
  }
}

export function checkPasswordStrength(password: string): string | null {
  if (password.length < PASSWORD_LENGTH_MIN) return `a password needs at least ${PASSWORD_LENGTH_MIN} characters`;
  return null;
}

export function createUser(sqlite: SqliteDatabase, input: { name: string; role: Role; password: string }, by: string, now: Date): Actor {
  if (!/^[\p{L}\p{N}_.-]{1,64}$/u.test(input.name)) {
    throw new LedgerdeskError('invalid_input', `user name "${input.name}" may hold letters, digits, _ . - (1-64)`);
  }
  if (!roles.includes(input.role)) throw new LedgerdeskError('invalid_input', `unknown role "${input.role}"`);
  const weakness = checkPasswordStrength(input.password);
  if (weakness) throw new LedgerdeskError('invalid_input', weakness);
  const existing = sqlite.prepare(`SELECT 1 FROM users WHERE name = ?`).get(input.name);
  if (existing) throw new LedgerdeskError('conflict', `a user named ${input.name} already exists`);
  sqlite.transaction(() => {
    sqlite
      .prepare(`INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)`)
      .run(input.name, input.role, hashPassword(input.password), now.toISOString());
    appendAudit(sqlite, { userName: by, action: 'user.create', objectType: 'user', objectId: input.name, detail: { role: input.role } }, now);
  })();
  return { userName: input.name, role: input.role };
}

interface UserRow {
  name: string;
  role: Role;
  password_hash: string;
  failed_login_count: number;
  locked_until: string | null;
  disabled: number;
}

/** Checks a password; repeated failures lock the account for a while. Every attempt is audited. */
export function authenticate(sqlite: SqliteDatabase, name: string, password: string, now: Date): Actor {
  // A read-only workspace (an auditor copy, a verify run) cannot record attempts; it still checks them.
  const recording = !sqlite.readonly;
  const user = sqlite.prepare(`SELECT * FROM users WHERE name = ?`).get(name) as UserRow | undefined;
  if (!user || user.disabled) {
    if (recording) appendAudit(sqlite, { userName: name, action: 'login.failed', objectType: 'user', objectId: name, detail: { reason: 'unknown user' } }, now);
    throw new LedgerdeskError('authentication_failed', `unknown user or wrong password for ${name}`);
  }
  if (user.locked_until && user.locked_until > now.toISOString()) {
    throw new LedgerdeskError('account_locked', `${name} is locked until ${user.locked_until} after repeated failed logins`);
  }
  if (!verifyPassword(password, user.password_hash)) {
    const failures = user.failed_login_count + 1;
    const lockedUntil = failures >= FAILED_LOGINS_BEFORE_LOCK ? new Date(now.getTime() + LOCK_DURATION_MS).toISOString() : null;
    if (recording) sqlite.transaction(() => {
      sqlite
        .prepare(`UPDATE users SET failed_login_count = ?, locked_until = ? WHERE name = ?`)
        .run(lockedUntil ? 0 : failures, lockedUntil, name);
      appendAudit(sqlite, { userName: name, action: 'login.failed', objectType: 'user', objectId: name, detail: { failures, lockedUntil } }, now);
    })();
    throw new LedgerdeskError('authentication_failed', `unknown user or wrong password for ${name}`);
  }
  if (recording) sqlite.transaction(() => {
    sqlite.prepare(`UPDATE users SET failed_login_count = 0, locked_until = NULL WHERE name = ?`).run(name);
    appendAudit(sqlite, { userName: name, action: 'login', objectType: 'user', objectId: name, detail: {} }, now);
  })();
  return { userName: user.name, role: user.role };
}

export function listUsers(sqlite: SqliteDatabase): { name: string; role: Role; createdAt: string; locked: boolean; disabled: boolean }[] {
  return (sqlite.prepare(`SELECT name, role, created_at, locked_until, disabled FROM users ORDER BY id`).all() as {
    name: string;
    role: Role;
    created_at: string;
    locked_until: string | null;
    disabled: number;
  }[]).map((row) => ({ name: row.name, role: row.role, createdAt: row.created_at, locked: row.locked_until !== null, disabled: row.disabled === 1 }));
}

/** Adds a user on behalf of an admin (the CLI and the UI call this, not createUser). */
export function addUser(sqlite: SqliteDatabase, actor: Actor, input: { name: string; role: Role; password: string }, now: Date): Actor {
  requirePermission(actor, 'users.manage');
  return createUser(sqlite, input, actor.userName, now);
}

/** Disables a user: they can no longer log in; their name stays on everything they did. */
export function disableUser(sqlite: SqliteDatabase, actor: Actor, name: string, now: Date): void {
  requirePermission(actor, 'users.manage');
  if (name === actor.userName) throw new LedgerdeskError('invalid_input', 'you cannot disable your own account');
  const user = sqlite.prepare(`SELECT role, disabled FROM users WHERE name = ?`).get(name) as { role: Role; disabled: number } | undefined;
  if (!user) throw new LedgerdeskError('not_found', `no user named ${name}`);
  if (user.role === 'admin') {
    const otherAdmins = (sqlite.prepare(`SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0 AND name != ?`).get(name) as { n: number }).n;
    if (otherAdmins === 0) throw new LedgerdeskError('invalid_input', `${name} is the last admin`);
  }
  sqlite.transaction(() => {
    sqlite.prepare(`UPDATE users SET disabled = 1 WHERE name = ?`).run(name);
    appendAudit(sqlite, { userName: actor.userName, action: 'user.disable', objectType: 'user', objectId: name, detail: {} }, now);
  })();
}
