import { LedgerdeskError } from '../../core/errors';
import { flushPendingMallWrites, importPayoutResults, type MallWriteFlush } from '../../core/payouts';
import type { CommandDefinition } from '../command';
import { writeBackJson } from './payouts';

export const payoutsImportResultsCommand: CommandDefinition = {
  words: ['payouts', 'import-results'],
  usage: 'payouts import-results FILE',
  summary: 'book the results sheet (out_bill_no, status, reason) of a bank / Alipay payout export; one bad line and nothing is booked',
  async run(context, args) {
    if (args.positionals.length !== 1) throw new LedgerdeskError('usage', 'payouts import-results needs exactly one results file (.xlsx)');
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      const result = await importPayoutResults(workspace, actor, args.positionals[0]);
      for (const error of result.errors) context.say(`REJECTED ${error.file} line ${error.line}: ${error.reason}`);
      if (result.errors.length > 0) context.say('Nothing from the file was booked.');
      for (const applied of result.applied) context.say(`${applied.outBillNo.padEnd(34)} ${applied.state}`);
      // As after a poll: the queued write-backs go to the mall now when it is reachable, else later.
      let writeBack: MallWriteFlush | null = null;
      if (result.applied.length > 0) writeBack = await flushPendingMallWrites(workspace);
      return {
        applied: result.applied.map((applied) => ({ out_bill_no: applied.outBillNo, state: applied.state })),
        errors: result.errors.map((error) => ({ file: error.file, line: error.line, reason: error.reason })),
        ...(writeBack ? { write_back: writeBackJson(writeBack) } : {}),
        exitCode: result.errors.length > 0 ? 1 : 0,
      };
    } finally {
      workspace.close();
    }
  },
};
