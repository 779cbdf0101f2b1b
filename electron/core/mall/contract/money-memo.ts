import { parseYuanToFen } from '../../money';

type ParsedMoney = ReturnType<typeof parseYuanToFen>;

/**
 * Mall money strings repeat a lot ("0.00", prices, fees), and each record's amounts are read by
 * the contract check and again by the booking rules: parsing them once with decimal.js
 * (parseYuanToFen, default options) and remembering the result saves most of that work.
 * The memory is bounded: it starts over when it holds memoEntriesMax strings.
 */
const memoEntriesMax = 100_000;
const parsedByText = new Map<string, ParsedMoney>();

export function parseMallMoney(text: string): ParsedMoney {
  let parsed = parsedByText.get(text);
  if (parsed === undefined) {
    parsed = parseYuanToFen(text);
    if (parsedByText.size >= memoEntriesMax) parsedByText.clear();
    parsedByText.set(text, parsed);
  }
  return parsed;
}
