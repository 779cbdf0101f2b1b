/**
 * Workspace passphrase rule: at least 8 characters; a short one (8-9) needs three kinds of
 * character (lower, upper, digit, other), a longer one (10+) needs some variety. Long phrases
 * such as 'correct horse battery staple' pass; 'password' and 'aaaaaaaaaaaa' do not.
 */
export const PASSPHRASE_LENGTH_MIN = 8;
export const PASSPHRASE_LENGTH_WITHOUT_MIX = 10;
const CHARACTER_KINDS_FOR_SHORT = 3;
const DISTINCT_CHARACTERS_MIN = 5;

function characterKinds(text: string): number {
  const kinds = [/\p{Ll}/u, /\p{Lu}/u, /\p{N}/u, /[^\p{Ll}\p{Lu}\p{N}]/u];
  return kinds.filter((pattern) => pattern.test(text)).length;
}

/** Returns why the passphrase is too weak, or null when it is acceptable. */
export function passphraseWeakness(passphrase: string): string | null {
  const length = [...passphrase].length;
  if (length < PASSPHRASE_LENGTH_MIN) return `the workspace passphrase needs at least ${PASSPHRASE_LENGTH_MIN} characters`;
  if (new Set(passphrase).size < DISTINCT_CHARACTERS_MIN) return 'the workspace passphrase repeats too few different characters';
  if (length < PASSPHRASE_LENGTH_WITHOUT_MIX && characterKinds(passphrase) < CHARACTER_KINDS_FOR_SHORT) {
    return `a workspace passphrase shorter than ${PASSPHRASE_LENGTH_WITHOUT_MIX} characters needs three of: lower case, upper case, digits, other characters`;
  }
  return null;
}
