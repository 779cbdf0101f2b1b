import { requirePermission } from '../../core/auth';
import { shanghaiDate } from '../../core/calendar/shanghai';
import { LedgerdeskError } from '../../core/errors';
import { gmvCrossCheck, saveMallConnection, syncFromMall, type SyncProgress } from '../../core/mall/sync';
import { formatFenAsYuan } from '../../core/money';
import { stringOption, type CommandDefinition } from '../command';

function progressLabel(progress: SyncProgress): string {
  if (progress.phase === 'opening') return 'sync: opening balances';
  if (progress.phase === 'summaries') return 'sync: daily summaries';
  return `sync: ${progress.resource ?? ''} (${progress.entriesPosted} entries posted)`;
}

export const syncCommand: CommandDefinition = {
  words: ['sync'],
  usage: 'sync [--mall-url URL --mall-token-env VAR]',
  summary: 'pull from the mall and book every synced document (remembers the connection)',
  options: { 'mall-url': { type: 'string' }, 'mall-token-env': { type: 'string' } },
  async run(context, args) {
    const url = stringOption(args, 'mall-url');
    const tokenVariable = stringOption(args, 'mall-token-env');
    let token: string | undefined;
    if (tokenVariable !== undefined) {
      token = context.env[tokenVariable];
      // The token is read from the environment so it never appears in a command line or shell history.
      if (!token) throw new LedgerdeskError('usage', `the environment variable ${tokenVariable} (--mall-token-env) is not set or empty`);
    }
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      requirePermission(actor, 'sync.run');
      if (url !== undefined || token !== undefined) saveMallConnection(workspace, { url, token }, actor.userName);
      const result = await syncFromMall(workspace, {
        actorName: actor.userName,
        onProgress: (progress) => {
          if (progress.phase !== 'done') context.progress(progressLabel(progress), progress.fetched, null);
        },
      });
      const booksStartDate = shanghaiDate(workspace.info().booksStart);
      const lastSummary = workspace.sqlite.prepare(`SELECT max(date) AS date FROM mall_daily_summaries`).get() as { date: string | null };
      const gmv = lastSummary.date && lastSummary.date >= booksStartDate ? gmvCrossCheck(workspace.sqlite, booksStartDate, lastSummary.date) : null;
      const fetchedTotal = Object.values(result.fetched).reduce((sum, count) => sum + count, 0);
      context.say(`Fetched ${fetchedTotal} records (${Object.entries(result.fetched).map(([name, count]) => `${name} ${count}`).join(', ')}).`);
      context.say(`Posted ${result.entries_posted} entries${result.opening_entry ? ` (opening balances: ${result.opening_entry})` : ''}.`);
      for (const rejected of result.rejected) context.say(`REJECTED ${rejected.resource} ${rejected.id}: ${rejected.reason}`);
      if (gmv) context.say(gmv.ok ? `GMV cross-check ${gmv.from}..${gmv.to}: books = mall.` : `GMV cross-check: ${gmv.differences.length} date(s) differ (total ${formatFenAsYuan(gmv.absoluteDifferenceFen)}).`);
      return {
        fetched: result.fetched,
        entries_posted: result.entries_posted,
        rejected: result.rejected,
        opening_entry: result.opening_entry,
        daily_summaries: result.daily_summaries,
        gmv_check: gmv && {
          from: gmv.from,
          to: gmv.to,
          difference: formatFenAsYuan(gmv.absoluteDifferenceFen),
          dates: gmv.differences.map((day) => ({
            date: day.date,
            books_gmv: formatFenAsYuan(day.booksGmvFen),
            mall_gmv: day.mallGmvFen === null ? null : formatFenAsYuan(day.mallGmvFen),
            difference: day.differenceFen === null ? null : formatFenAsYuan(day.differenceFen),
          })),
        },
      };
    } finally {
      workspace.close();
    }
  },
};
