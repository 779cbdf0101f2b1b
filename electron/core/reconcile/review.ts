import { appendAudit } from '../audit/audit-log';
import { requirePermission, type Actor } from '../auth';
import { LedgerdeskError } from '../errors';
import { chartOfAccounts, clearingAccountFor } from '../ledger/accounts';
import { credit, debit, type EntrySpec } from '../ledger/entry';
import { postEntry } from '../ledger/post';
import { fen, formatFenAsYuan, type Fen } from '../money';
import type { Workspace } from '../workspace';
import { isRefundCategory, resolutions, type Resolution } from './categories';
import { loadResult, type ReconciliationResult } from './results';

export const NOTE_LENGTH_MAX = 2000;

function requireText(label: string, text: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw new LedgerdeskError('invalid_input', `a ${label} is required`);
  if (trimmed.length > NOTE_LENGTH_MAX) throw new LedgerdeskError('invalid_input', `the ${label} is longer than ${NOTE_LENGTH_MAX} characters`);
  return trimmed;
}

function loadOpenDiscrepancies(workspace: Workspace, ids: number[]): ReconciliationResult[] {
  if (ids.length === 0) throw new LedgerdeskError('invalid_input', 'no discrepancy ids given');
  const unique = [...new Set(ids)];
  return unique.map((id) => {
    if (!Number.isSafeInteger(id) || id < 1) throw new LedgerdeskError('invalid_input', `"${id}" is not a discrepancy id`);
    const result = loadResult(workspace.sqlite, id);
    if (!result || result.category === null) throw new LedgerdeskError('not_found', `no discrepancy with id ${id}`);
    if (result.status !== 'open') throw new LedgerdeskError('conflict', `discrepancy ${id} is ${result.status}, not open`);
    return result;
  });
}

/**
 * How far the clearing account in the books is from the channel's own account, for one
 * discrepancy (+: the channel holds more than the books say). Payments raise both sides,
 * refunds lower both, so a refund's difference counts the other way round.
 */
export function clearingGapFen(result: ReconciliationResult): Fen {
  if (result.category === null || result.category === 'fee_mismatch') return fen(0);
  return fen(isRefundCategory(result.category) ? -result.differenceFen : result.differenceFen);
}

/**
 * The write-off entry that brings the clearing account to the channel's figure:
 *   gap > 0 (channel holds more): Dr clearing, Cr 6051 other income;
 *   gap < 0 (channel holds less): Dr 6601 payment channel fees, Cr clearing.
 * Losses go to 6601 because the chart has no separate reconciliation-difference account and a
 * channel shortfall is a cost of taking payments. A fee_mismatch writes nothing: the bill's fee
 * was already booked to 6601 by the import, so accepting it moves no money.
 */
export function writeOffEntry(result: ReconciliationResult, note: string, occurredAt: string): EntrySpec | null {
  const gap = clearingGapFen(result);
  if (gap === 0) return null;
  const clearing = clearingAccountFor(result.channel);
  const amount = fen(Math.abs(gap));
  return {
    entryType: 'adjustment',
    occurredAt,
    source: { resource: 'reconciliation_results', id: String(result.id), no: result.refundNo ?? result.orderNo },
    memo: `write-off of ${result.category} ${result.refundNo ?? result.orderNo ?? ''} (${formatFenAsYuan(gap)}): ${note}`,
    postings: gap > 0 ? [debit(clearing, amount), credit(chartOfAccounts.otherIncome.code, amount)] : [debit(chartOfAccounts.channelFees.code, amount), credit(clearing, amount)],
  };
}

export interface ResolveInput {
  resolution: Resolution;
  note: string;
}

export interface ResolvedDiscrepancy {
  id: number;
  resolution: Resolution;
  adjustmentEntryNo: string | null;
}

/**
 * Resolves one or many open discrepancies in one transaction (all or none), with who, when, the
 * resolution and a note; a write-off posts its adjustment entry. Each one is in the audit log.
 */
export function resolveDiscrepancies(workspace: Workspace, actor: Actor, ids: number[], input: ResolveInput): ResolvedDiscrepancy[] {
  requirePermission(actor, 'discrepancy.review');
  if (!resolutions.includes(input.resolution)) {
    throw new LedgerdeskError('invalid_input', `resolution must be one of ${resolutions.join(', ')}, got "${String(input.resolution)}"`);
  }
  const note = requireText('note', input.note);
  const sqlite = workspace.sqlite;
  return sqlite
    .transaction((): ResolvedDiscrepancy[] => {
      const results = loadOpenDiscrepancies(workspace, ids);
      const now = workspace.clock.now();
      const update = sqlite.prepare(
        `UPDATE reconciliation_results SET status = 'resolved', resolution = ?, resolution_note = ?, resolved_by = ?, resolved_at = ?,
           adjustment_entry_no = ? WHERE id = ? AND status = 'open'`,
      );
      return results.map((result) => {
        let adjustmentEntryNo: string | null = null;
        if (input.resolution === 'write_off') {
          const spec = writeOffEntry(result, note, now.toISOString());
          if (spec) adjustmentEntryNo = postEntry(workspace.postingContext(actor.userName), spec).entryNo;
        }
        update.run(input.resolution, note, actor.userName, now.toISOString(), adjustmentEntryNo, result.id);
        appendAudit(
          sqlite,
          {
            userName: actor.userName,
            action: 'discrepancy.resolve',
            objectType: 'reconciliation_result',
            objectId: String(result.id),
            detail: { category: result.category, order_no: result.orderNo, refund_no: result.refundNo, difference_fen: result.differenceFen, resolution: input.resolution, note, adjustment_entry_no: adjustmentEntryNo },
          },
          now,
        );
        return { id: result.id, resolution: input.resolution, adjustmentEntryNo };
      });
    })
    .immediate();
}

/** Assigns open discrepancies to a user (null clears the assignment). */
export function assignDiscrepancies(workspace: Workspace, actor: Actor, ids: number[], assignee: string | null): void {
  requirePermission(actor, 'discrepancy.review');
  const sqlite = workspace.sqlite;
  if (assignee !== null && !sqlite.prepare(`SELECT 1 FROM users WHERE name = ? AND disabled = 0`).get(assignee)) {
    throw new LedgerdeskError('not_found', `no active user named ${assignee}`);
  }
  sqlite
    .transaction(() => {
      const results = loadOpenDiscrepancies(workspace, ids);
      const now = workspace.clock.now();
      for (const result of results) {
        sqlite.prepare(`UPDATE reconciliation_results SET assigned_to = ? WHERE id = ?`).run(assignee, result.id);
        appendAudit(sqlite, { userName: actor.userName, action: 'discrepancy.assign', objectType: 'reconciliation_result', objectId: String(result.id), detail: { assignee } }, now);
      }
    })
    .immediate();
}

/** Adds a comment to a discrepancy (open or resolved). */
export function commentOnDiscrepancy(workspace: Workspace, actor: Actor, id: number, text: string): void {
  requirePermission(actor, 'discrepancy.review');
  const comment = requireText('comment', text);
  const sqlite = workspace.sqlite;
  const result = loadResult(sqlite, id);
  if (!result || result.category === null) throw new LedgerdeskError('not_found', `no discrepancy with id ${id}`);
  sqlite
    .transaction(() => {
      const now = workspace.clock.now();
      sqlite.prepare(`INSERT INTO discrepancy_comments (result_id, at, user_name, text) VALUES (?, ?, ?, ?)`).run(id, now.toISOString(), actor.userName, comment);
      appendAudit(sqlite, { userName: actor.userName, action: 'discrepancy.comment', objectType: 'reconciliation_result', objectId: String(id), detail: { text: comment } }, now);
    })
    .immediate();
}
