import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passphraseWeakness, PASSPHRASE_LENGTH_MIN } from './passphrase-strength';

describe('workspace passphrase strength', () => {
  it('accepts long phrases and short mixed ones', () => {
    for (const good of ['correct horse battery staple', 'cli test passphrase', 'ledgerdesk-demo-passphrase', 'top secret', 'Abcdef1!', '账套密码很安全的口令啊']) {
      expect(passphraseWeakness(good), good).toBeNull();
    }
  });

  it('refuses short, repetitive and short unmixed ones, saying why', () => {
    expect(passphraseWeakness('abc')).toMatch(/at least 8/);
    expect(passphraseWeakness('aaaaaaaaaaaa')).toMatch(/too few different/);
    expect(passphraseWeakness('password')).toMatch(/three of/);
    expect(passphraseWeakness('12345678')).toMatch(/three of/);
    expect(passphraseWeakness('')).not.toBeNull();
  });

  it('never accepts anything shorter than the minimum', () => {
    fc.assert(fc.property(fc.string({ maxLength: PASSPHRASE_LENGTH_MIN - 1 }), (text) => passphraseWeakness(text) !== null));
  });
});
