import { runCli } from './main';
import { useBundledWorkers } from './workers';

useBundledWorkers(__dirname);

runCli(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ledgerdesk: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
