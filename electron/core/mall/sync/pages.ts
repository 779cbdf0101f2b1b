import type { MallSyncedResource } from '../contract/types';
import { validateMallRecord } from '../contract/validate';
import { MallRequestError, type MallClient } from './client';
import { bookingProblem } from './desired';

/*
 * The pages of one resource as the sync books them: fetched by cursor, each record checked
 * against the contract (and whether it can be booked at all) before any transaction starts.
 * Everything here needs no database, so it can run on a worker thread (pages-on-worker.ts)
 * while the syncing thread books the pages before; the checked pages are the same either way.
 */

export type RawRecord = Record<string, unknown>;
export type SyncedRecord = RawRecord & { id: string; version: number; updated_at: string };

/**
 * A record after the checks. A valid one carries its JSON text (stored as the document body)
 * and the parsed record when it was parsed here; from a worker only the text crosses, and the
 * record is parsed again only when it is stored (recordOf).
 */
export type CheckedRecord =
  | { valid: false; raw: unknown; reason: string }
  | { valid: true; id: string; version: number; bodyJson: string; bookingProblem: string | null; record: SyncedRecord | null };

export interface CheckedPage {
  records: CheckedRecord[];
  /** The latest updated_at on the page (valid or not): the pass's high-water mark moves to it. */
  latestUpdatedAt: string | null;
  /** The mall's cursor to the next page; null on the last page of the pass. */
  nextCursor: string | null;
}

/** Where a pass starts: a stored cursor, or from updated_since (null: from the beginning). */
export type PassStart = { cursor: string } | { cursor: null; updatedSince: string | null };

interface Page {
  data: unknown[];
  next_cursor: string | null;
}

function instantMs(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const ms = new Date(text).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** The later of two instants given as RFC 3339 text (a candidate that is not one is ignored). */
export function later(current: string | null, candidate: unknown): string | null {
  const candidateMs = instantMs(candidate);
  if (candidateMs === null) return current;
  if (current === null || candidateMs > (instantMs(current) ?? 0)) return candidate as string;
  return current;
}

export function asPage(body: unknown, path: string): Page {
  const page = body as Page | null;
  if (!page || typeof page !== 'object' || !Array.isArray(page.data) || !(page.next_cursor === null || typeof page.next_cursor === 'string')) {
    throw new MallRequestError('mall_unavailable', `the mall answered ${path} with something that is not a page ({data, next_cursor})`, 200, null);
  }
  return page;
}

export function checkPage(resource: MallSyncedResource, records: unknown[], nextCursor: string | null, keepRecords: boolean): CheckedPage {
  let latestUpdatedAt: string | null = null;
  const checked = records.map((raw): CheckedRecord => {
    latestUpdatedAt = later(latestUpdatedAt, (raw as RawRecord | null)?.updated_at);
    const check = validateMallRecord(resource, raw);
    if (!check.ok) return { valid: false, raw, reason: check.reason };
    const record = raw as SyncedRecord;
    return {
      valid: true,
      id: record.id,
      version: record.version,
      bodyJson: JSON.stringify(record),
      bookingProblem: bookingProblem(resource, record),
      record: keepRecords ? record : null,
    };
  });
  return { records: checked, latestUpdatedAt, nextCursor };
}

/** The record of a valid checked record, parsed from its text when it came without it. */
export function recordOf(checked: Extract<CheckedRecord, { valid: true }>): SyncedRecord {
  checked.record ??= JSON.parse(checked.bodyJson) as SyncedRecord;
  return checked.record;
}

export function fetchPage(client: MallClient, path: string, limit: number, start: PassStart): Promise<Page> {
  const query = start.cursor !== null ? { cursor: start.cursor, limit } : { updated_since: start.updatedSince, limit };
  return client.getJson(path, query).then((body) => asPage(body, path));
}

/** Lets queued I/O (the next page's request) go out before a long synchronous stretch. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The checked pages of a pass, read on this thread: the request for the next page goes out
 * before a page is handed over, so the mall answers it while this one is checked and booked.
 * `first` is the pass's first page when the caller already has it.
 */
export async function* pagesHere(client: MallClient, resource: MallSyncedResource, path: string, limit: number, first: Page): AsyncGenerator<CheckedPage> {
  let page = first;
  for (;;) {
    const nextCursor = page.next_cursor;
    let pending: Promise<Page> | null = null;
    if (nextCursor !== null) {
      pending = fetchPage(client, path, limit, { cursor: nextCursor });
      pending.catch(() => undefined); // handled when awaited
      await yieldToEventLoop();
    }
    yield checkPage(resource, page.data, nextCursor, true);
    if (pending === null) return;
    page = await pending;
  }
}
