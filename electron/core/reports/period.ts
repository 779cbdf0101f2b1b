import { addDays, isCalendarDate, isCalendarMonth, nextMonth, previousMonth, startOfShanghaiDay, toStoredInstant } from '../calendar/shanghai';
import { LedgerdeskError } from '../errors';

/**
 * A report period: the half-open interval of business time [from, to), as stored instants
 * (UTC ISO, the form journal_entries.occurred_at is compared in), plus a label users read.
 */
export interface ReportPeriod {
  from: string;
  to: string;
  /** '2026-10' for a month, '2026-10-01 至 2026-10-31' for a date range. */
  label: string;
}

/** The Asia/Shanghai calendar month 'YYYY-MM'. Bad input is a usage error, not a crash. */
export function monthPeriod(month: string): ReportPeriod {
  if (!isCalendarMonth(month)) throw new LedgerdeskError('invalid_input', `"${month}" is not a month (YYYY-MM)`);
  return {
    from: toStoredInstant(startOfShanghaiDay(`${month}-01`)),
    to: toStoredInstant(startOfShanghaiDay(`${nextMonth(month)}-01`)),
    label: month,
  };
}

/** Business dates fromDate..toDate, both INCLUDED (what a user types); stored as [from, toDate + 1 day). */
export function dateRangePeriod(fromDate: string, toDate: string): ReportPeriod {
  for (const date of [fromDate, toDate]) {
    if (!isCalendarDate(date)) throw new LedgerdeskError('invalid_input', `"${date}" is not a date (YYYY-MM-DD)`);
  }
  if (toDate < fromDate) throw new LedgerdeskError('invalid_input', `the period ends (${toDate}) before it starts (${fromDate})`);
  return {
    from: toStoredInstant(startOfShanghaiDay(fromDate)),
    to: toStoredInstant(startOfShanghaiDay(addDays(toDate, 1))),
    label: fromDate === toDate ? fromDate : `${fromDate} 至 ${toDate}`,
  };
}

/** The `count` months ending with `month`, oldest first: ['2026-05', ..., '2026-10']. */
export function monthsEndingWith(month: string, count: number): string[] {
  const months = [month];
  while (months.length < count) months.unshift(previousMonth(months[0]));
  return months;
}

/** Every Asia/Shanghai date of a month, in order. */
export function datesOfMonth(month: string): string[] {
  const dates: string[] = [];
  const first = `${month}-01`;
  const end = `${nextMonth(month)}-01`;
  for (let date = first; date < end; date = addDays(date, 1)) dates.push(date);
  return dates;
}
