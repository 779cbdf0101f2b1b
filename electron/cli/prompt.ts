import { createInterface } from 'node:readline';

/** Reads a line from the terminal without echoing it (passphrases, passwords). */
export function readHiddenLine(question: string): Promise<string> {
  return new Promise((resolve) => {
    const readline = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const output = readline as unknown as { _writeToOutput: (text: string) => void; output: NodeJS.WritableStream };
    let prompted = false;
    output._writeToOutput = (text: string) => {
      if (!prompted) {
        process.stderr.write(text);
        prompted = true;
      }
    };
    readline.question(question, (answer) => {
      process.stderr.write('\n');
      readline.close();
      resolve(answer);
    });
  });
}
