import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Secrets never reach a log or the terminal: no output call (console.*, stdout/stderr writes,
 * the CLI's say/progress) interpolates a value whose name says it is a secret.
 */
const root = join(__dirname, '..', '..');
const outputCall = /(console\.(log|error|warn|info|debug)|process\.std(out|err)\.write|\.say|\.progress)\(/;
const secretName = /(passphrase|password|secret|token|api_?v?3?_?key|private_?key|merchant_?key)$/i;

/** The names interpolated into a template line: `${a.b.passphrase}` -> 'passphrase'. */
function interpolatesSecret(line: string): boolean {
  return [...line.matchAll(/\$\{([^}]*)\}/g)].some((match) => secretName.test(match[1].trim().split(/[^\w]+/).filter(Boolean).pop() ?? ''));
}
/** Printed on purpose: the demo mall's own throw-away token, so a tester can call it. */
const allowed = new Set(['electron/cli/commands/demo-mall.ts']);

function sourceFiles(directory: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) files.push(path);
  }
  return files;
}

describe('secrets stay out of output', () => {
  it('no output call in electron/ interpolates a secret-named value', () => {
    const offending: string[] = [];
    for (const file of sourceFiles(join(root, 'electron'))) {
      const site = relative(root, file).split('\\').join('/');
      if (allowed.has(site)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (outputCall.test(line) && interpolatesSecret(line)) offending.push(`${site}:${index + 1}: ${line.trim()}`);
        });
    }
    expect(offending).toEqual([]);
  });

  it('the check itself catches a leak', () => {
    const line = 'console.log(`opening with ${options.passphrase}`);';
    expect(outputCall.test(line) && interpolatesSecret(line)).toBe(true);
    expect(interpolatesSecret('say(`${changed.secretsResealed} secrets sealed again`)')).toBe(false);
  });
});
