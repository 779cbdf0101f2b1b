import { runCli } from './main';
import { useBundledChannelParseWorker } from './parse-worker';

useBundledChannelParseWorker(__dirname);

runCli(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ledgerdesk: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
