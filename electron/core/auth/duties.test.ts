import { describe, expect, it } from 'vitest';
import { LedgerdeskError } from '../errors';
import { assertDifferentUsers, assertNotOwnWork, mayApproveWorkOf } from './duties';

function codeOf(run: () => void): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof LedgerdeskError ? error.code : 'other';
  }
}

describe('segregation of duties', () => {
  it('refuses the same person twice, whatever the case or blanks', () => {
    expect(codeOf(() => assertDifferentUsers('wang', 'wang', 'withdrawal W1'))).toBe('segregation_of_duties');
    expect(codeOf(() => assertDifferentUsers('Wang', ' wang ', 'withdrawal W1'))).toBe('segregation_of_duties');
    expect(codeOf(() => assertDifferentUsers('wang', 'li', 'withdrawal W1'))).toBeNull();
  });

  it('refuses approving your own adjustment and says what it was', () => {
    const approver = { userName: 'li', role: 'finance' as const };
    expect(codeOf(() => assertNotOwnWork(approver, 'li', 'adjustment ADJ-7'))).toBe('segregation_of_duties');
    expect(() => assertNotOwnWork(approver, 'li', 'adjustment ADJ-7')).toThrow(/adjustment ADJ-7/);
    expect(codeOf(() => assertNotOwnWork(approver, 'wang', 'adjustment ADJ-7'))).toBeNull();
    expect(codeOf(() => assertNotOwnWork(approver, null, 'a mall record'))).toBeNull();
    expect(mayApproveWorkOf(approver, 'LI')).toBe(false);
    expect(mayApproveWorkOf(approver, 'wang')).toBe(true);
  });
});
