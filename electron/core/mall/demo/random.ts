/**
 * A small seeded PRNG (mulberry32): the demo data must be identical for a seed on every machine,
 * so nothing here may use Math.random. Never used for money arithmetic, only for choices.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let mixed = this.state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return (mixed ^ (mixed >>> 14)) >>> 0;
  }

  /** A uniform integer in [min, max], both inclusive. */
  integer(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new Error(`bad integer range [${min}, ${max}]`);
    }
    const span = max - min + 1;
    if (span <= 0x1_0000_0000) return min + (this.nextUint32() % span);
    // Wide ranges (timestamps in ms): combine two draws.
    const wide = this.nextUint32() * 0x1_0000_0000 + this.nextUint32();
    return min + (wide % span);
  }

  /** True with the given probability in whole percent. */
  percent(chancePercent: number): boolean {
    return this.integer(0, 99) < chancePercent;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.integer(0, items.length - 1)];
  }

  /** A string of decimal digits of the given length. */
  digits(length: number): string {
    let text = '';
    while (text.length < length) text += String(this.nextUint32() % 1_000_000_000).padStart(9, '0');
    return text.slice(0, length);
  }
}
