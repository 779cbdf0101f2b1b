/**
 * The fixed set of error codes that cross the IPC bridge and the CLI. Anything else that escapes
 * core is our bug and becomes 'internal'.
 */
export const errorCodes = [
  'usage',
  'workspace_not_found',
  'workspace_exists',
  'wrong_passphrase',
  'not_a_workspace',
  'workspace_too_new',
  'workspace_damaged',
  'workspace_locked',
  'authentication_failed',
  'account_locked',
  'forbidden',
  'segregation_of_duties',
  'not_found',
  'invalid_input',
  'period_closed',
  'close_blocked',
  'conflict',
  'mall_unauthorized',
  'mall_unavailable',
  'import_rejected',
  'seal_invalid',
  'payout_failed',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** Plain data: what crosses process boundaries. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export class LedgerdeskError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'LedgerdeskError';
  }

  toData(): ErrorData {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}

export function toErrorData(error: unknown): ErrorData {
  if (error instanceof LedgerdeskError) return error.toData();
  if (error && typeof error === 'object' && 'code' in error && (error as { code: unknown }).code === 'period_closed') {
    return { code: 'period_closed', message: String((error as { message?: unknown }).message) };
  }
  const sqliteCode = (error as { code?: unknown } | null)?.code;
  if (sqliteCode === 'SQLITE_READONLY') {
    return { code: 'forbidden', message: 'this workspace is read-only (an auditor copy or opened for reading): nothing can be changed' };
  }
  if (sqliteCode === 'SQLITE_FULL') return { code: 'workspace_damaged', message: 'the disk is full: nothing was written' };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `internal error: ${message}` };
}
