/**
 * A child process for crash tests (test/integration/security-crash.test.ts): it writes to a
 * workspace until the test kills it with SIGKILL. Run with `node --import tsx`.
 *   post   WORKSPACE  -> posts one order entry per transaction, printing "posted N" after each commit
 *   import WORKSPACE FILE -> imports one channel file, printing "rows N" after each batch
 * The passphrase comes from LEDGERDESK_PASSPHRASE.
 */
import { fixedClock } from '../../electron/core/calendar/shanghai';
import { importChannelFile } from '../../electron/core/imports';
import { postEntry } from '../../electron/core/ledger/post';
import { orderPaymentEntry } from '../../electron/core/ledger/rules';
import { fen } from '../../electron/core/money';
import { openWorkspace } from '../../electron/core/workspace';

const [mode, workspacePath, file] = process.argv.slice(2);
const passphrase = process.env.LEDGERDESK_PASSPHRASE ?? '';
const workspace = openWorkspace({ path: workspacePath, passphrase, clock: fixedClock('2026-10-20T04:00:00.000Z') });
const admin = { userName: 'admin', role: 'admin' as const };

async function main(): Promise<void> {
  if (mode === 'post') {
    const context = workspace.postingContext(admin.userName);
    for (let index = 1; index <= 1_000_000; index += 1) {
      const source = { resource: 'orders', id: `crash-${index}`, no: `SO-CRASH-${index}`, version: 1 };
      postEntry(context, orderPaymentEntry({ source, memberId: `m${index % 50}`, paidAt: '2026-10-15T10:00:00+08:00', payChannel: 'wechat', channelPaidFen: fen(100 + index), storedValueFen: fen(0), balanceFen: fen(0) })!);
      process.stdout.write(`posted ${index}\n`);
    }
  } else if (mode === 'import') {
    const result = await importChannelFile(workspace, file, { actor: admin, onProgress: (_file, rowsDone) => process.stdout.write(`rows ${rowsDone}\n`) });
    process.stdout.write(`done ${JSON.stringify(result)}\n`);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  workspace.close();
}

void main();
