import { toStoredInstant } from '../calendar/shanghai';

const beijingHourPattern = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3])$/;

function isMinuteOrSecondAt(text: string, index: number): boolean {
  const tens = text.charCodeAt(index);
  const units = text.charCodeAt(index + 1);
  return tens >= 48 && tens <= 53 && units >= 48 && units <= 57;
}

/**
 * toStoredInstant for a million rows: a whole-hour offset moves only the date and the hour, so the
 * UTC "YYYY-MM-DDTHH" is computed once per Beijing hour (by toStoredInstant itself, on that hour's first row) and the
 * minutes and seconds are carried over. Only "YYYY-MM-DDTHH:mm:ss+08:00", the shape every WeChat
 * and Alipay row has, takes this path; any other text goes through toStoredInstant unchanged.
 */
export class StoredInstantCache {
  private readonly utcHourByBeijingHour = new Map<string, string>();

  of(occurredAt: string): string {
    if (
      occurredAt.length !== 25 ||
      !occurredAt.endsWith('+08:00') ||
      occurredAt.charCodeAt(13) !== 58 ||
      occurredAt.charCodeAt(16) !== 58 ||
      !isMinuteOrSecondAt(occurredAt, 14) ||
      !isMinuteOrSecondAt(occurredAt, 17)
    ) {
      return toStoredInstant(occurredAt);
    }
    const beijingHour = occurredAt.slice(0, 13);
    const utcHour = this.utcHourByBeijingHour.get(beijingHour);
    if (utcHour === undefined) {
      const stored = toStoredInstant(occurredAt);
      if (beijingHourPattern.test(beijingHour)) this.utcHourByBeijingHour.set(beijingHour, stored.slice(0, 13));
      return stored;
    }
    return `${utcHour}${occurredAt.slice(13, 19)}.000Z`;
  }
}
