import type { SqliteDatabase } from '../../../db/open';
import { addDays, isCalendarDate, startOfShanghaiDay, toStoredInstant } from '../calendar/shanghai';
import { LedgerdeskError } from '../errors';
import { clearingAccountFor } from '../ledger/accounts';
import { accountBalanceBefore } from '../ledger/queries';
import { fen, type Fen } from '../money';
import { reconcileChannels, type ReconcileChannel } from './settings';

export interface ClearingBalanceLine {
  channel: ReconcileChannel;
  accountCode: string;
  /** The clearing account in the books, from every entry before the cut-off. */
  booksFen: Fen;
  /** The channel's own balance (fund-flow bill), latest per account before the cut-off; null when none imported. */
  channelFen: Fen | null;
  channelBalanceAt: string | null;
  /** books - channel; null when the channel's figure is missing. */
  differenceFen: Fen | null;
}

/**
 * Each channel's clearing account in the books against the channel's own account balance at the
 * end of `date` (Asia/Shanghai): the cut-off is 00:00 of the next day.
 */
export function clearingBalanceCheck(sqlite: SqliteDatabase, date: string): { date: string; cutoff: string; lines: ClearingBalanceLine[] } {
  if (!isCalendarDate(date)) throw new LedgerdeskError('invalid_input', `"${date}" is not a YYYY-MM-DD date`);
  const cutoff = startOfShanghaiDay(addDays(date, 1));
  const latest = sqlite.prepare(
    `SELECT b.account, b.balance_fen, b.at FROM channel_balances b
     WHERE b.channel = ? AND b.at < ? AND b.id = (
       SELECT b2.id FROM channel_balances b2 WHERE b2.channel = b.channel AND b2.account = b.account AND b2.at < ? ORDER BY b2.at DESC, b2.id DESC LIMIT 1)`,
  );
  const lines = reconcileChannels.map((channel): ClearingBalanceLine => {
    const accountCode = clearingAccountFor(channel);
    const booksFen = accountBalanceBefore(sqlite, accountCode, cutoff);
    const balances = latest.all(channel, toStoredInstant(cutoff), toStoredInstant(cutoff)) as { account: string; balance_fen: number; at: string }[];
    if (balances.length === 0) return { channel, accountCode, booksFen, channelFen: null, channelBalanceAt: null, differenceFen: null };
    const channelFen = fen(balances.reduce((sum, row) => sum + row.balance_fen, 0));
    const channelBalanceAt = balances.map((row) => row.at).sort().at(-1) ?? null;
    return { channel, accountCode, booksFen, channelFen, channelBalanceAt, differenceFen: fen(booksFen - channelFen) };
  });
  return { date, cutoff, lines };
}
