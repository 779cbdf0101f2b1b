import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { isCalendarMonth, shanghaiMonth } from '../../core/calendar/shanghai';
import { LedgerdeskError } from '../../core/errors';
import { generateMallDataset, startDemoMall, writeDemoChannelFiles } from '../../core/mall/demo';
import { stringOption, type CommandDefinition } from '../command';

function wholeNumber(text: string | undefined, name: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) > max) throw new LedgerdeskError('usage', `--${name} must be a whole number from 0 to ${max}`);
  return Number(text);
}

export const demoMallCommand: CommandDefinition = {
  words: ['demo-mall'],
  usage: 'demo-mall --port N [--seed S --orders N --month YYYY-MM] [--files DIR] [--delay-ms N]',
  summary: 'serve the demo mall (and write its channel files) until stopped',
  options: {
    port: { type: 'string' },
    seed: { type: 'string' },
    orders: { type: 'string' },
    month: { type: 'string' },
    files: { type: 'string' },
    'token-env': { type: 'string' },
    'delay-ms': { type: 'string' },
  },
  async run(context, args) {
    const port = wholeNumber(stringOption(args, 'port'), 'port', Number.NaN, 65535);
    if (Number.isNaN(port)) throw new LedgerdeskError('usage', 'demo-mall needs --port N (0 picks a free port)');
    const seed = wholeNumber(stringOption(args, 'seed'), 'seed', 1, 2 ** 31);
    const orderCount = wholeNumber(stringOption(args, 'orders'), 'orders', 2000, 5_000_000);
    const delayMs = wholeNumber(stringOption(args, 'delay-ms'), 'delay-ms', 0, 60_000);
    const month = stringOption(args, 'month') ?? shanghaiMonth(context.clock.now());
    if (!isCalendarMonth(month)) throw new LedgerdeskError('usage', `--month must be YYYY-MM, got ${month}`);
    const tokenVariable = stringOption(args, 'token-env');
    const token = tokenVariable ? context.env[tokenVariable] : `demo-${randomBytes(12).toString('hex')}`;
    if (!token) throw new LedgerdeskError('usage', `the environment variable ${tokenVariable} is not set or empty`);

    const dataset = generateMallDataset({ seed, month, orderCount });
    const filesDir = stringOption(args, 'files');
    let files: string[] = [];
    if (filesDir) {
      mkdirSync(filesDir, { recursive: true });
      files = writeDemoChannelFiles(dataset, filesDir).files;
    }
    const mall = await startDemoMall({ dataset, port, token, faults: delayMs ? { delayMs } : {} });
    const ready = { url: mall.url, token, month, seed, orders: dataset.orders.length, books_start: dataset.booksStartAt, files };
    // The address is announced at once (the command runs until stopped): one line a script can read.
    if (context.options.json) process.stdout.write(`${JSON.stringify(ready)}\n`);
    context.say(`Demo mall for ${month} (${dataset.orders.length} orders, seed ${seed}) listening on ${mall.url}`);
    context.say(`Token: ${token}`);
    for (const file of files) context.say(`  wrote ${file}`);
    context.say('Press Ctrl+C to stop.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await mall.close();
    context.say('Demo mall stopped.');
    return { stopped: true, url: mall.url, exitCode: 0 };
  },
};
