import { formatFen, formatPoints } from '../format';

/** An amount in fen as ¥1,234.56; negatives red. `unit='points'` shows a point count. */
export function Amount({ value, unit = 'fen', hideZero = false }: { value: number; unit?: 'fen' | 'points'; hideZero?: boolean }) {
  if (hideZero && value === 0) return <span className="amount amount-zero" />;
  const text = unit === 'points' ? formatPoints(value) : formatFen(value);
  return <span className={value < 0 ? 'amount amount-negative' : 'amount'}>{text}</span>;
}
