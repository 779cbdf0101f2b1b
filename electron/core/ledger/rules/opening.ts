import { sumFen, type Fen } from '../../money';
import { chartOfAccounts as accounts } from '../accounts';
import { credit, debit, withoutZeroPostings, type EntrySpec, type PostingSpec } from '../entry';

export interface OpeningMemberBalance {
  memberId: string;
  storedValueFen: Fen;
  balanceFen: Fen;
  commissionFen: Fen;
  points: number;
}

/** The books' opening: Dr 3001, Cr 2202 / 2203 / 2204 per member, plus opening points. */
export function openingBalanceEntry(asOf: string, balances: OpeningMemberBalance[]): EntrySpec | null {
  const credits: PostingSpec[] = withoutZeroPostings(
    balances.flatMap((member) => [
      credit(accounts.memberStoredValue.code, member.storedValueFen, member.memberId),
      credit(accounts.memberBalance.code, member.balanceFen, member.memberId),
      credit(accounts.commissionPayable.code, member.commissionFen, member.memberId),
    ]),
  );
  const pointsMovements = balances
    .filter((member) => member.points !== 0)
    .map((member) => ({ memberId: member.memberId, changePoints: member.points, movementKind: 'opening' as const }));
  const total = sumFen(credits.map((posting) => posting.creditFen));
  if (total === 0 && pointsMovements.length === 0) return null;
  return {
    entryType: 'opening_balance',
    occurredAt: asOf,
    source: { resource: 'member_balances', id: asOf, no: `OPENING-${asOf.slice(0, 10)}` },
    memo: 'Opening balances from the mall at the books start',
    // Points-only openings are quantity-only entries: no money moves, so no postings.
    postings: total === 0 ? [] : [debit(accounts.openingEquity.code, total), ...credits],
    pointsMovements,
  };
}
