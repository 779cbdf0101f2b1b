import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './args';

describe('bench arguments', () => {
  it('defaults to the full scale and bench-results.json', () => {
    expect(parseBenchArgs([])).toEqual({ ok: true, command: { mode: 'run', scale: 'full', outPath: 'bench-results.json', dataDir: null, only: null, cpuProfileDir: null, childTimeoutSeconds: 1800 } });
  });

  it('reads --scale small and --scale=tiny, --only lists', () => {
    expect(parseBenchArgs(['--scale', 'small'])).toMatchObject({ ok: true, command: { mode: 'run', scale: 'small' } });
    expect(parseBenchArgs(['--scale=tiny', '--only', 'verify, excel-export'])).toMatchObject({ ok: true, command: { scale: 'tiny', only: ['verify', 'excel-export'] } });
  });

  it('reads the child modes', () => {
    expect(parseBenchArgs(['--run-one', 'verify', '--scale', 'small', '--data-dir', '/d', '--floor'])).toEqual({
      ok: true,
      command: { mode: 'run-one', scale: 'small', operationKey: 'verify', floor: true, dataDir: '/d' },
    });
    expect(parseBenchArgs(['--prepare', 'wechat-bill', '--data-dir', '/d'])).toMatchObject({ ok: true, command: { mode: 'prepare', artifact: 'wechat-bill' } });
  });

  it('refuses bad usage with a reason', () => {
    for (const argv of [
      ['--scale', 'huge'],
      ['--scale'],
      ['--frobnicate'],
      ['--run-one', 'verify'],
      ['--run-one', 'verify', '--prepare', 'x', '--data-dir', '/d'],
      ['--floor'],
      ['--prepare', 'wechat-bill', '--data-dir', '/d', '--floor'],
      ['--run-one', 'verify', '--data-dir', '/d', '--out', 'x.json'],
      ['--out', 'a', '--out', 'b'],
      ['--timeout', '0'],
      ['--timeout', '1.5'],
      ['--run-one', 'verify', '--data-dir', '/d', '--timeout', '60'],
    ]) {
      const parsed = parseBenchArgs(argv);
      expect(parsed.ok, argv.join(' ')).toBe(false);
      if (!parsed.ok) expect(parsed.error.length).toBeGreaterThan(5);
    }
  });
});
