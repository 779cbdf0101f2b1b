import type { SqliteDatabase } from '../../../db/open';
import { canonicalAuditContent } from '../audit/audit-log';
import { formatFenAsYuan, fen } from '../money';
import { memberSubLedgerAccounts } from '../ledger/accounts';
import { canonicalEntryContent, chainHash, GENESIS_HASH } from '../ledger/hash-chain';

export interface VerifyCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  checks: VerifyCheck[];
}

/** Extra checks other capabilities register (e.g. "each source document's entries are complete"). */
export type VerifyExtension = (sqlite: SqliteDatabase) => VerifyCheck[];
const extensions: VerifyExtension[] = [];
export function registerVerifyCheck(extension: VerifyExtension): void {
  if (!extensions.includes(extension)) extensions.push(extension);
}

function integrityCheck(sqlite: SqliteDatabase): VerifyCheck {
  const rows = sqlite.prepare(`PRAGMA integrity_check`).all() as { integrity_check: string }[];
  const messages = rows.map((row) => row.integrity_check);
  const ok = messages.length === 1 && messages[0] === 'ok';
  return { name: 'sqlite_integrity', ok, detail: ok ? 'every page is readable and consistent' : messages.slice(0, 5).join('; ') };
}

function entriesBalance(sqlite: SqliteDatabase): VerifyCheck {
  const broken = sqlite
    .prepare(
      `SELECT e.entry_no, sum(p.debit_fen) AS d, sum(p.credit_fen) AS c FROM journal_entries e JOIN postings p ON p.entry_id = e.id
       GROUP BY e.id HAVING sum(p.debit_fen) != sum(p.credit_fen) ORDER BY e.id LIMIT 1`,
    )
    .get() as { entry_no: string; d: number; c: number } | undefined;
  return broken
    ? { name: 'entries_balance', ok: false, detail: `entry ${broken.entry_no} is unbalanced: debits ${formatFenAsYuan(fen(broken.d))} != credits ${formatFenAsYuan(fen(broken.c))}` }
    : { name: 'entries_balance', ok: true, detail: 'every entry balances' };
}

function globalBalance(sqlite: SqliteDatabase): VerifyCheck {
  const totals = sqlite.prepare(`SELECT coalesce(sum(debit_fen),0) AS d, coalesce(sum(credit_fen),0) AS c FROM postings`).get() as { d: number; c: number };
  const ok = totals.d === totals.c;
  return {
    name: 'debits_equal_credits',
    ok,
    detail: `${ok ? '' : 'MISMATCH: '}debits ${formatFenAsYuan(fen(totals.d))} / credits ${formatFenAsYuan(fen(totals.c))}`,
  };
}

function subLedgersNonNegative(sqlite: SqliteDatabase): VerifyCheck {
  for (const [subLedger, accountCode] of Object.entries(memberSubLedgerAccounts)) {
    if (subLedger === 'commission') continue; // a clawback may legitimately leave commission owed to us
    const negative = sqlite
      .prepare(
        `SELECT party_id, sum(credit_fen) - sum(debit_fen) AS balance FROM postings WHERE account_code = ? AND party_id IS NOT NULL
         GROUP BY party_id HAVING balance < 0 LIMIT 1`,
      )
      .get(accountCode) as { party_id: string; balance: number } | undefined;
    if (negative) {
      return { name: 'member_subledgers_non_negative', ok: false, detail: `member ${negative.party_id} has a negative ${subLedger} balance ${formatFenAsYuan(fen(negative.balance))}` };
    }
  }
  const negativePoints = sqlite
    .prepare(`SELECT member_id, sum(change_points) AS points FROM points_ledger GROUP BY member_id HAVING points < 0 LIMIT 1`)
    .get() as { member_id: string; points: number } | undefined;
  if (negativePoints) {
    return { name: 'member_subledgers_non_negative', ok: false, detail: `member ${negativePoints.member_id} has ${negativePoints.points} points` };
  }
  return { name: 'member_subledgers_non_negative', ok: true, detail: 'no member has a negative stored value, balance or points' };
}

/** Recomputes every entry's hash from its stored content and names the first row that breaks the chain. */
function entryHashChain(sqlite: SqliteDatabase): VerifyCheck {
  const entries = sqlite
    .prepare(
      `SELECT id, entry_no, entry_type, occurred_at, period, posted_at, source_resource, source_id, source_no, source_version,
              reverses_entry_id, memo, created_by, previous_hash, hash FROM journal_entries ORDER BY id`,
    )
    .iterate() as IterableIterator<Record<string, string | number | null>>;
  // Postings and points are read in id order alongside the entries, so the check is one pass.
  const postingsCursor = (sqlite
    .prepare(`SELECT entry_id, line_no, account_code, party_id, debit_fen, credit_fen FROM postings ORDER BY entry_id, line_no`)
    .iterate() as IterableIterator<{ entry_id: number; line_no: number; account_code: string; party_id: string | null; debit_fen: number; credit_fen: number }>)[Symbol.iterator]();
  const pointsRows = sqlite.prepare(`SELECT entry_id, member_id, change_points, movement_kind FROM points_ledger ORDER BY entry_id, id`).all() as {
    entry_id: number;
    member_id: string;
    change_points: number;
    movement_kind: string;
  }[];
  const pointsByEntry = new Map<number, { memberId: string; changePoints: number; movementKind: string }[]>();
  for (const row of pointsRows) {
    const list = pointsByEntry.get(row.entry_id) ?? [];
    list.push({ memberId: row.member_id, changePoints: row.change_points, movementKind: row.movement_kind });
    pointsByEntry.set(row.entry_id, list);
  }
  let pendingPosting = postingsCursor.next();
  let previousHash = GENESIS_HASH;
  let count = 0;
  for (const entry of entries) {
    const entryId = Number(entry.id);
    const postings: { lineNo: number; accountCode: string; partyId: string | null; debitFen: number; creditFen: number }[] = [];
    while (!pendingPosting.done && pendingPosting.value.entry_id < entryId) pendingPosting = postingsCursor.next();
    while (!pendingPosting.done && pendingPosting.value.entry_id === entryId) {
      const row = pendingPosting.value;
      postings.push({ lineNo: row.line_no, accountCode: row.account_code, partyId: row.party_id, debitFen: row.debit_fen, creditFen: row.credit_fen });
      pendingPosting = postingsCursor.next();
    }
    const content = canonicalEntryContent({
      entryNo: String(entry.entry_no),
      entryType: String(entry.entry_type),
      occurredAt: String(entry.occurred_at),
      period: String(entry.period),
      postedAt: String(entry.posted_at),
      sourceResource: String(entry.source_resource),
      sourceId: String(entry.source_id),
      sourceNo: entry.source_no === null ? null : String(entry.source_no),
      sourceVersion: entry.source_version === null ? null : Number(entry.source_version),
      reversesEntryId: entry.reverses_entry_id === null ? null : Number(entry.reverses_entry_id),
      memo: entry.memo === null ? null : String(entry.memo),
      createdBy: String(entry.created_by),
      postings,
      pointsMovements: pointsByEntry.get(entryId) ?? [],
    });
    const expected = chainHash(previousHash, content);
    if (entry.previous_hash !== previousHash || entry.hash !== expected) {
      if (typeof postingsCursor.return === 'function') postingsCursor.return();
      return { name: 'entry_hash_chain', ok: false, detail: `entry ${entry.entry_no} was changed after posting (hash chain broken at id ${entryId})` };
    }
    previousHash = expected;
    count += 1;
  }
  return { name: 'entry_hash_chain', ok: true, detail: `${count} entries, chain intact` };
}

function auditHashChain(sqlite: SqliteDatabase): VerifyCheck {
  let previousHash = GENESIS_HASH;
  let count = 0;
  const rows = sqlite
    .prepare(`SELECT id, at, user_name, action, object_type, object_id, detail_json, previous_hash, hash FROM audit_log ORDER BY id`)
    .iterate() as IterableIterator<Record<string, string | null>>;
  for (const row of rows) {
    const expected = chainHash(
      previousHash,
      canonicalAuditContent({
        at: String(row.at),
        userName: String(row.user_name),
        action: String(row.action),
        objectType: String(row.object_type),
        objectId: row.object_id,
        detailJson: String(row.detail_json),
      }),
    );
    if (row.previous_hash !== previousHash || row.hash !== expected) {
      return { name: 'audit_hash_chain', ok: false, detail: `audit log row ${row.id} (${row.action}) was changed (hash chain broken)` };
    }
    previousHash = expected;
    count += 1;
  }
  return { name: 'audit_hash_chain', ok: true, detail: `${count} audit rows, chain intact` };
}

function immutabilityTriggers(sqlite: SqliteDatabase): VerifyCheck {
  const expected = [
    'journal_entries_no_update',
    'journal_entries_no_delete',
    'postings_no_update',
    'postings_no_delete',
    'points_ledger_no_update',
    'points_ledger_no_delete',
    'audit_log_no_update',
    'audit_log_no_delete',
  ];
  const present = new Set(
    (sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).all() as { name: string }[]).map((row) => row.name),
  );
  const missing = expected.filter((name) => !present.has(name));
  return missing.length
    ? { name: 'immutability_triggers', ok: false, detail: `missing triggers: ${missing.join(', ')}` }
    : { name: 'immutability_triggers', ok: true, detail: 'ledger and audit log are append-only' };
}

export function verifyWorkspace(sqlite: SqliteDatabase): VerifyReport {
  const integrity = integrityCheck(sqlite);
  // A damaged file is reported and nothing else is trusted from it.
  if (!integrity.ok) return { ok: false, checks: [integrity] };
  const checks = [
    integrity,
    immutabilityTriggers(sqlite),
    entriesBalance(sqlite),
    globalBalance(sqlite),
    subLedgersNonNegative(sqlite),
    entryHashChain(sqlite),
    auditHashChain(sqlite),
    ...extensions.flatMap((extension) => extension(sqlite)),
  ];
  return { ok: checks.every((check) => check.ok), checks };
}
