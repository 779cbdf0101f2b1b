import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFenAsYuan, fen, multiplyByRate } from '../money';
import { checkCommissionAmount } from './basis';

describe('checkCommissionAmount', () => {
  it('rounds half-up to the fen and reports the difference', () => {
    expect(checkCommissionAmount('99.90', '0.05', '5.00')).toMatchObject({ computedAmountFen: 500, differenceFen: 0, flagReason: null });
    expect(checkCommissionAmount('99.90', '0.05', '4.99')).toMatchObject({ computedAmountFen: 500, differenceFen: -1, flagReason: /by -1 fen/ });
    expect(checkCommissionAmount('0.10', '0.05', '0.01')).toMatchObject({ computedAmountFen: 1, flagReason: null });
  });

  it('turns unreadable values into a flag, never a crash', () => {
    expect(checkCommissionAmount('', '0.05', '1.00').flagReason).toMatch(/^basis ""/);
    expect(checkCommissionAmount('1.00', 'ten percent', '1.00').flagReason).toMatch(/^rate/);
    expect(checkCommissionAmount('1.00', '0.1', '1,00').flagReason).toMatch(/^amount/);
  });

  it('an honest mall (amount = basis x rate half-up) is never flagged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 9_999 }), (basisFen, rateTenThousandths) => {
        const rate = `0.${rateTenThousandths.toString().padStart(4, '0')}`;
        const amount = formatFenAsYuan(multiplyByRate(fen(basisFen), rate, 'half-up'));
        return checkCommissionAmount(formatFenAsYuan(fen(basisFen)), rate, amount).flagReason === null;
      }),
    );
  });
});
