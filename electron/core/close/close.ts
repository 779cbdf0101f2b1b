import type { SqliteDatabase } from '../../../db/open';
import { appendAudit } from '../audit/audit-log';
import { requirePermission, type Actor } from '../auth';
import { addDays, isCalendarMonth, nextMonth } from '../calendar/shanghai';
import { LedgerdeskError } from '../errors';
import { gmvCrossCheck } from '../mall/sync/gmv';
import { formatFenAsYuan, type Fen } from '../money';
import { closeThreshold, periodFigures, ratioBelow, runReconciliation } from '../reconcile';
import type { Workspace } from '../workspace';

export interface MonthStatus {
  month: string;
  status: 'open' | 'closed';
  closedAt: string | null;
  closedBy: string | null;
  reopenedAt: string | null;
  reopenedBy: string | null;
  reopenReason: string | null;
}

export function monthStatus(sqlite: SqliteDatabase, month: string): MonthStatus {
  const row = sqlite
    .prepare(
      `SELECT month, status, closed_at AS closedAt, closed_by AS closedBy, reopened_at AS reopenedAt, reopened_by AS reopenedBy,
         reopen_reason AS reopenReason FROM periods WHERE month = ?`,
    )
    .get(month) as MonthStatus | undefined;
  return row ?? { month, status: 'open', closedAt: null, closedBy: null, reopenedAt: null, reopenedBy: null, reopenReason: null };
}

export interface CloseFigures {
  month: string;
  discrepancyRate: string;
  threshold: string;
  openDiscrepancies: number;
  openDifferenceFen: Fen;
  channelPaymentFen: Fen;
  /** Sum over the month's days of |books GMV - mall GMV| (a missing mall figure counts whole). */
  gmvDifferenceFen: Fen;
  gmvDaysDiffering: { date: string; booksGmvFen: Fen; mallGmvFen: Fen | null }[];
}

export interface CloseResult extends CloseFigures {
  closed: true;
}

function checkMonth(month: string): void {
  if (!isCalendarMonth(month)) throw new LedgerdeskError('invalid_input', `"${month}" is not a YYYY-MM month`);
}

/** The figures the close gate looks at, from the current reconciliation results and the ledger. */
export function closeFigures(sqlite: SqliteDatabase, month: string): CloseFigures {
  checkMonth(month);
  const first = `${month}-01`;
  const last = addDays(`${nextMonth(month)}-01`, -1);
  const figures = periodFigures(sqlite, first, last);
  const gmv = gmvCrossCheck(sqlite, first, last);
  return {
    month,
    discrepancyRate: figures.discrepancyRate,
    threshold: closeThreshold(sqlite).text,
    openDiscrepancies: figures.openDiscrepancies,
    openDifferenceFen: figures.openDifferenceFen,
    channelPaymentFen: figures.channelPaymentFen,
    gmvDifferenceFen: gmv.absoluteDifferenceFen,
    gmvDaysDiffering: gmv.differences.map((day) => ({ date: day.date, booksGmvFen: day.booksGmvFen, mallGmvFen: day.mallGmvFen })),
  };
}

/**
 * Month-end close: reconciles first (so the gate sees current data), then closes only when the
 * month's discrepancy rate is below the threshold and books GMV equals the mall's every day.
 * A refusal is a LedgerdeskError 'close_blocked' with the reasons and the figures in details.
 * A closed month accepts no postings (postEntry raises PeriodClosedError).
 */
export function closeMonth(workspace: Workspace, actor: Actor, month: string): CloseResult {
  requirePermission(actor, 'period.close');
  checkMonth(month);
  const sqlite = workspace.sqlite;
  if (monthStatus(sqlite, month).status === 'closed') throw new LedgerdeskError('conflict', `${month} is already closed`);
  runReconciliation(workspace, actor);
  const figures = closeFigures(sqlite, month);
  const threshold = closeThreshold(sqlite);
  const reasons: string[] = [];
  if (!ratioBelow(figures.openDifferenceFen, figures.channelPaymentFen, threshold)) {
    reasons.push(
      `discrepancy rate ${figures.discrepancyRate} is not below ${threshold.text} (${figures.openDiscrepancies} open discrepancies, ` +
        `${formatFenAsYuan(figures.openDifferenceFen)} of ${formatFenAsYuan(figures.channelPaymentFen)} channel payments)`,
    );
  }
  if (figures.gmvDifferenceFen !== 0 || figures.gmvDaysDiffering.length > 0) {
    const days = figures.gmvDaysDiffering.slice(0, 5).map((day) => day.date).join(', ');
    reasons.push(`books GMV differs from the mall's on ${figures.gmvDaysDiffering.length} day(s) (${days}${figures.gmvDaysDiffering.length > 5 ? ', ...' : ''}), ${formatFenAsYuan(figures.gmvDifferenceFen)} in all`);
  }
  const now = workspace.clock.now();
  if (reasons.length > 0) {
    appendAudit(sqlite, { userName: actor.userName, action: 'period.close_refused', objectType: 'period', objectId: month, detail: { reasons, figures } }, now);
    throw new LedgerdeskError('close_blocked', `${month} cannot be closed: ${reasons.join('; ')}`, { ...figures, reasons });
  }
  sqlite
    .transaction(() => {
      sqlite
        .prepare(
          `INSERT INTO periods (month, status, closed_at, closed_by, figures_json) VALUES (?, 'closed', ?, ?, ?)
           ON CONFLICT(month) DO UPDATE SET status = 'closed', closed_at = excluded.closed_at, closed_by = excluded.closed_by,
             figures_json = excluded.figures_json`,
        )
        .run(month, now.toISOString(), actor.userName, JSON.stringify(figures));
      appendAudit(sqlite, { userName: actor.userName, action: 'period.close', objectType: 'period', objectId: month, detail: { figures } }, now);
    })
    .immediate();
  return { ...figures, closed: true };
}

/** Reopens a closed month: finance only, with a reason; recorded in periods and the audit log. */
export function reopenMonth(workspace: Workspace, actor: Actor, month: string, reason: string): MonthStatus {
  requirePermission(actor, 'period.reopen');
  checkMonth(month);
  const why = reason.trim();
  if (!why) throw new LedgerdeskError('invalid_input', 'reopening a month needs a reason');
  const sqlite = workspace.sqlite;
  if (monthStatus(sqlite, month).status !== 'closed') throw new LedgerdeskError('conflict', `${month} is not closed`);
  const now = workspace.clock.now();
  sqlite
    .transaction(() => {
      sqlite
        .prepare(`UPDATE periods SET status = 'open', reopened_at = ?, reopened_by = ?, reopen_reason = ? WHERE month = ?`)
        .run(now.toISOString(), actor.userName, why, month);
      appendAudit(sqlite, { userName: actor.userName, action: 'period.reopen', objectType: 'period', objectId: month, detail: { reason: why } }, now);
    })
    .immediate();
  return monthStatus(sqlite, month);
}
