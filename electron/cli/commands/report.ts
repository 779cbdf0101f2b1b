import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { appendAudit } from '../../core/audit';
import { requirePermission } from '../../core/auth';
import { isCalendarMonth } from '../../core/calendar/shanghai';
import { LedgerdeskError } from '../../core/errors';
import { renderMonthPdf } from '../../core/exports/month-pdf';
import { writeMonthWorkbook } from '../../core/exports/month-workbook';
import { formatFenForDisplay } from '../../core/money';
import { monthlyOverview, overviewToJson } from '../../core/reports';
import { stringOption, type CommandDefinition } from '../command';

export const reportCommand: CommandDefinition = {
  words: ['report'],
  usage: 'report YYYY-MM [--xlsx FILE] [--pdf FILE]',
  summary: 'monthly overview from the ledger; optionally the Excel workbook and the PDF with every detail report',
  options: { xlsx: { type: 'string' }, pdf: { type: 'string' } },
  async run(context, args) {
    const month = args.positionals[0];
    if (!month || args.positionals.length > 1) throw new LedgerdeskError('usage', 'report YYYY-MM [--xlsx FILE] [--pdf FILE]');
    if (!isCalendarMonth(month)) throw new LedgerdeskError('usage', `"${month}" is not a month (YYYY-MM)`);
    const xlsxPath = stringOption(args, 'xlsx');
    const pdfPath = stringOption(args, 'pdf');
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      requirePermission(actor, 'ledger.read');
      if (xlsxPath || pdfPath) requirePermission(actor, 'report.export');
      const now = context.clock.now();
      const overview = monthlyOverview(workspace, month);
      const files: { xlsx?: string; pdf?: string } = {};
      if (xlsxPath) {
        context.progress('writing the workbook', 0, null);
        await writeMonthWorkbook(workspace, month, xlsxPath, { createdAt: now });
        files.xlsx = resolve(xlsxPath);
      }
      if (pdfPath) {
        const { pdf } = await renderMonthPdf(workspace, month, { generatedAt: now });
        await writeFile(pdfPath, pdf);
        files.pdf = resolve(pdfPath);
      }
      if (files.xlsx || files.pdf) {
        appendAudit(workspace.sqlite, { userName: actor.userName, action: 'report.export', objectType: 'month', objectId: month, detail: { ...files } }, now);
      }
      context.say(`${workspace.info().companyName} ${month}`);
      context.say(`  revenue ${formatFenForDisplay(overview.revenueFen)}, returns ${formatFenForDisplay(overview.returnsFen)}, refunds paid ${formatFenForDisplay(overview.refundsPaidFen)}`);
      context.say(`  channel fees ${formatFenForDisplay(overview.channelFeesFen)}, commission payouts ${formatFenForDisplay(overview.commissionPayoutsFen)}, points cost ${formatFenForDisplay(overview.pointsCostFen)}`);
      context.say(`  net profit ${formatFenForDisplay(overview.netProfitFen)}`);
      context.say(
        `  GMV books ${formatFenForDisplay(overview.gmv.booksGmvFen)}, mall ${overview.gmv.mallGmvFen === null ? 'not synced' : formatFenForDisplay(overview.gmv.mallGmvFen)}${overview.gmv.matches ? ' (every day matches)' : ''}`,
      );
      if (files.xlsx) context.say(`  workbook: ${files.xlsx}`);
      if (files.pdf) context.say(`  PDF: ${files.pdf}`);
      return { ...overviewToJson(overview), files };
    } finally {
      workspace.close();
    }
  },
};
