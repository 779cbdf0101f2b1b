import { toStoredInstant } from '../calendar/shanghai';

// "2026-10-01T00:01:28+08:00": the shape every WeChat and Alipay row's occurredAt has.
const beijingSecondPattern = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\+08:00$/;

/**
 * toStoredInstant for a million rows: a whole-hour offset moves only the date and the hour, so the
 * UTC "YYYY-MM-DDTHH" is computed once per Beijing hour (with toStoredInstant itself) and the
 * minutes and seconds are carried over. Any other shape goes through toStoredInstant unchanged.
 * Bills span days, so the cache holds a few hundred hours at most.
 */
export class StoredInstantCache {
  private readonly utcHourByBeijingHour = new Map<string, string>();

  of(occurredAt: string): string {
    if (!beijingSecondPattern.test(occurredAt)) return toStoredInstant(occurredAt);
    const beijingHour = occurredAt.slice(0, 13);
    let utcHour = this.utcHourByBeijingHour.get(beijingHour);
    if (utcHour === undefined) {
      utcHour = toStoredInstant(`${beijingHour}:00:00+08:00`).slice(0, 13);
      this.utcHourByBeijingHour.set(beijingHour, utcHour);
    }
    return `${utcHour}${occurredAt.slice(13, 19)}.000Z`;
  }
}
