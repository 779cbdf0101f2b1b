/**
 * Pure display helpers. Amounts arrive as integer fen (electron/api.ts) and are formatted with
 * integer and string arithmetic only: no float ever touches an amount.
 */
export function formatFen(amountFen: number): string {
  if (!Number.isSafeInteger(amountFen)) throw new Error(`not an integer fen amount: ${amountFen}`);
  const negative = amountFen < 0;
  const digits = String(negative ? -amountFen : amountFen).padStart(3, '0');
  const yuan = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}¥${yuan}.${digits.slice(-2)}`;
}

/** Points are whole numbers with thousands separators. */
export function formatPoints(points: number): string {
  if (!Number.isSafeInteger(points)) throw new Error(`not an integer point count: ${points}`);
  const negative = points < 0;
  return `${negative ? '-' : ''}${String(negative ? -points : points).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** An instant shown as Asia/Shanghai wall-clock time 'YYYY-MM-DD HH:mm:ss' (fixed +08:00, no DST). */
export function formatShanghaiTime(instant: string): string {
  const time = new Date(instant).getTime();
  if (Number.isNaN(time)) return instant;
  return new Date(time + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

export function formatShanghaiDate(instant: string): string {
  return formatShanghaiTime(instant).slice(0, 10);
}

/**
 * Yuan typed by a user ('12', '12.3', '12.34', '1,234.50') -> integer fen, by string arithmetic
 * only; null when the text is not a non-negative amount with at most two decimals.
 */
export function parseYuanText(text: string): number | null {
  const trimmed = text.trim().replace(/,/g, '');
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(trimmed);
  if (!match) return null;
  const fenText = `${match[1]}${(match[2] ?? '').padEnd(2, '0')}`;
  const amount = Number(fenText.replace(/^0+(?=\d)/, ''));
  return Number.isSafeInteger(amount) ? amount : null;
}
