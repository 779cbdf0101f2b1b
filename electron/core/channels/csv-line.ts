/**
 * Splits one CSV record (RFC 4180: "a,b" quoting, "" for a quote). Returns null when a quoted
 * field is still open at the end of the line, so the caller can join the next physical line.
 */
export function splitCsvLine(line: string): string[] | null {
  if (!line.includes('"')) return line.split(',');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const character = line[index];
    if (quoted) {
      if (character === '"') {
        if (line[index + 1] === '"') {
          cell += '"';
          index += 1;
        } else quoted = false;
      } else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      cells.push(cell);
      cell = '';
    } else cell += character;
  }
  if (quoted) return null;
  cells.push(cell);
  return cells;
}

/** Trims spaces, TABs (Alipay and ICBC pad cells with them) and stray BOMs. */
export function trimCell(cell: string): string {
  return cell.replace(/^[\s\uFEFF]+|[\s\uFEFF]+$/g, '');
}
