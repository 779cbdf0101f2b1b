import type { CloseBlocker, CloseFiguresInfo, PayoutRow } from '../api';
import type { CloseFigures } from '../core/close';
import type { PayoutRecord } from '../core/payouts';
import { closeThreshold, ratioBelow } from '../core/reconcile';
import type { Workspace } from '../core/workspace';

/**
 * Core records shaped as the plain data of api.ts. Shared by the handlers (main thread) and the
 * tasks (worker thread), so a result looks the same whichever thread produced it.
 */
export function payoutRowOf(payout: PayoutRecord): PayoutRow {
  return {
    outBillNo: payout.outBillNo,
    kind: payout.kind,
    settlementNo: payout.settlementNo,
    partyId: payout.partyId,
    withdrawalId: payout.withdrawalId,
    amountFen: payout.amountFen,
    commissionCount: payout.commissionCount,
    method: payout.method,
    state: payout.state,
    channelRef: payout.channelRef,
    failureReason: payout.failureReason,
    attemptCount: payout.attemptCount,
    createdAt: payout.createdAt,
    updatedAt: payout.updatedAt,
  };
}

export function closeFiguresInfo(figures: CloseFigures): CloseFiguresInfo {
  return {
    month: figures.month,
    discrepancyRate: figures.discrepancyRate,
    threshold: figures.threshold,
    openDiscrepancies: figures.openDiscrepancies,
    openDifferenceFen: figures.openDifferenceFen,
    channelPaymentFen: figures.channelPaymentFen,
    gmvDifferenceFen: figures.gmvDifferenceFen,
    gmvDaysDiffering: figures.gmvDaysDiffering.map((day) => ({ date: day.date, booksGmvFen: day.booksGmvFen, mallGmvFen: day.mallGmvFen })),
  };
}

/** The same two conditions core/close checks, stated as figures for the wizard. */
export function closeBlockers(sqlite: Workspace['sqlite'], figures: CloseFiguresInfo): CloseBlocker[] {
  const blockers: CloseBlocker[] = [];
  if (!ratioBelow(figures.openDifferenceFen, figures.channelPaymentFen, closeThreshold(sqlite))) {
    blockers.push({
      kind: 'discrepancy_rate',
      rate: figures.discrepancyRate,
      threshold: figures.threshold,
      openDiscrepancies: figures.openDiscrepancies,
      openDifferenceFen: figures.openDifferenceFen,
      channelPaymentFen: figures.channelPaymentFen,
    });
  }
  if (figures.gmvDifferenceFen !== 0 || figures.gmvDaysDiffering.length > 0) blockers.push({ kind: 'gmv', days: figures.gmvDaysDiffering.length, differenceFen: figures.gmvDifferenceFen });
  return blockers;
}

