import { LedgerdeskError } from '../errors';
import type { Actor } from './users';

/**
 * Segregation of duties: some work needs two different people (two review tiers, maker and
 * checker). Callers name what is being protected so the refusal explains itself.
 */
export function assertDifferentUsers(firstUserName: string, secondUserName: string, what: string): void {
  if (normalizedUserName(firstUserName) === normalizedUserName(secondUserName)) {
    throw new LedgerdeskError('segregation_of_duties', `${what} needs two different people: ${secondUserName} already acted as the first`);
  }
}

/** A user cannot approve (review, post, release) what they themselves created or requested. */
export function assertNotOwnWork(approver: Actor, authorUserName: string | null, what: string): void {
  if (authorUserName !== null && normalizedUserName(approver.userName) === normalizedUserName(authorUserName)) {
    throw new LedgerdeskError('segregation_of_duties', `${approver.userName} cannot approve ${what}: they created it`);
  }
}

/** True when the approver may decide on work by this author (for UIs that grey out buttons). */
export function mayApproveWorkOf(approver: Actor, authorUserName: string | null): boolean {
  return authorUserName === null || normalizedUserName(approver.userName) !== normalizedUserName(authorUserName);
}

// User names are unique as stored; case and surrounding blanks must not make one person two.
function normalizedUserName(name: string): string {
  return name.trim().toLowerCase();
}
