import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChannelFile, type ChannelRow } from '../../channels';
import { writeDemoChannelFiles, type DemoChannelFiles } from './channel-files';
import { generateMallDataset } from './generate';

// Cross-check with the project's own importers: every demo file is recognised, parses whole and
// passes the file's own totals check.
describe('demo channel files through the channel importers', () => {
  const dataset = generateMallDataset({ seed: 5, month: '2026-10', orderCount: 400 });
  let dir: string;
  let written: DemoChannelFiles;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledgerdesk-demo-import-'));
    written = writeDemoChannelFiles(dataset, dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens, parses and totals-checks every file', async () => {
    const kinds = new Set<string>();
    const rows: ChannelRow[] = [];
    for (const file of written.files) {
      const opened = await openChannelFile(file);
      if (!opened.ok) throw new Error(`${basename(file)}: ${opened.error.reason} (line ${opened.error.line})`);
      kinds.add(opened.reader.kind);
      for await (const row of opened.reader.rows()) rows.push(row);
      const summary = opened.reader.finish();
      expect(summary.totalsChecked, basename(file)).toBe(true);
    }
    expect([...kinds].sort()).toEqual(['alipay_trade', 'bank_camt053', 'wechat_fundflow', 'wechat_trade_all']);
    const crossMidnight = written.crossMidnight!;
    const late = rows.find((row) => row.channel === 'wechat' && row.kind === 'payment' && row.merchantOrderNo === crossMidnight.order_no)!;
    expect(late.businessDate).toBe(crossMidnight.bill_date);
    const refundRow = rows.find((row) => row.channel === 'alipay' && row.kind === 'refund');
    expect(refundRow?.merchantRefundNo).toMatch(/^RF/);
  });
});
