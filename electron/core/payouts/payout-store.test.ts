import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commissionOutBillNo, withdrawalOutBillNo, withdrawalSettlementNo } from './payout-store';
import { isValidOutNumber } from './wechat/transfer-rules';

describe('payout numbers', () => {
  it('are deterministic, readable when the id allows, hashed otherwise', () => {
    expect(commissionOutBillNo('S2026101101', 'D1024')).toBe('S2026101101DD1024');
    expect(commissionOutBillNo('S2026101101', 'm_0000001')).toMatch(/^S2026101101H[0-9A-F]{20}$/);
    expect(commissionOutBillNo('S2026101101', 'm_0000001')).toBe(commissionOutBillNo('S2026101101', 'm_0000001'));
    expect(withdrawalOutBillNo('WD202610030000001')).toBe('WWD202610030000001');
    expect(withdrawalOutBillNo('WD-2026/1')).toMatch(/^WH[0-9A-F]{24}$/);
    expect(() => commissionOutBillNo('S-1', 'x')).toThrow();
  });

  it('always fit WeChat rules, and different parties never share a number', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }), fc.string({ minLength: 1, maxLength: 60 }), (first, second) => {
        const a = commissionOutBillNo('S2026101101', first);
        const b = commissionOutBillNo('S2026101101', second);
        return isValidOutNumber(a) && isValidOutNumber(withdrawalOutBillNo(first)) && /^[0-9A-Za-z]{1,28}$/.test(withdrawalSettlementNo(first)) && (first === second) === (a === b);
      }),
    );
  });
});
