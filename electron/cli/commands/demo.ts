import { resolve } from 'node:path';
import { runDemo } from '../../core/demo';
import { LedgerdeskError } from '../../core/errors';
import { stringOption, type CommandDefinition } from '../command';

export const DEMO_PASSPHRASE_DEFAULT = 'ledgerdesk-demo-passphrase';
export const DEMO_ADMIN_PASSWORD_DEFAULT = 'demo-admin-password';

export const demoCommand: CommandDefinition = {
  words: ['demo'],
  usage: 'demo [--out DIR] [--orders N]',
  summary: 'run the whole month-end on the embedded demo mall and print what each step did',
  options: { out: { type: 'string' }, orders: { type: 'string' } },
  async run(context, args) {
    const outDirectory = resolve(stringOption(args, 'out') ?? 'demo-output');
    const passphrase = context.env.LEDGERDESK_PASSPHRASE ?? DEMO_PASSPHRASE_DEFAULT;
    const adminPassword = context.env.LEDGERDESK_USER_PASSWORD ?? DEMO_ADMIN_PASSWORD_DEFAULT;
    const ordersText = stringOption(args, 'orders');
    const orderCount = ordersText === undefined ? undefined : Number(ordersText);
    if (orderCount !== undefined && (!Number.isSafeInteger(orderCount) || orderCount < 50 || orderCount > 200_000)) {
      throw new LedgerdeskError('usage', '--orders takes a whole number from 50 to 200000');
    }
    context.say(`Ledgerdesk demo -> ${outDirectory}`);
    const result = await runDemo({
      outDirectory,
      passphrase,
      adminPassword,
      orderCount,
      clock: context.env.LEDGERDESK_FIXED_NOW ? context.clock : undefined,
      onStep: (step) => context.say(`${step.ok ? '✓' : '✗'} ${step.step.padEnd(14)} ${step.summary}`),
    });
    context.say(
      result.ok
        ? `Done. Open the workspace ${result.workspacePath} (passphrase ${passphrase === DEMO_PASSPHRASE_DEFAULT ? `"${DEMO_PASSPHRASE_DEFAULT}"` : 'from LEDGERDESK_PASSPHRASE'}, user admin).`
        : 'The demo stopped with a failed step (see above).',
    );
    return { workspace: result.workspacePath, ok: result.ok, steps: result.steps, exitCode: result.ok ? 0 : 1 };
  },
};
