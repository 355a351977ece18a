/**
 * A small RFC 4180 reader, written from the RFC rather than taken from the
 * code under test, and the reader of the report's multi-section layout
 * (README: `# <section>` line, header row, rows; a blank line between).
 */

/** Rows of fields: quoted fields may hold commas, quotes (doubled) and line breaks; records end with CRLF (LF accepted). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let rowOpen = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      if (field !== '') throw new Error(`a quote inside an unquoted field at ${i}`);
      let end = text.indexOf('"', i + 1);
      while (end >= 0 && text[end + 1] === '"') end = text.indexOf('"', end + 2);
      if (end < 0) throw new Error('an unterminated quoted field');
      field = text.slice(i + 1, end).replace(/""/g, '"');
      i = end + 1;
      if (i < text.length && !',\r\n'.includes(text[i]!)) throw new Error(`text after a closing quote at ${i}`);
      rowOpen = true;
    } else if (c === ',') {
      endField();
      rowOpen = true;
      i++;
    } else if (c === '\r' || c === '\n') {
      endField();
      rows.push(row);
      row = [];
      rowOpen = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      rowOpen = true;
      i++;
    }
  }
  if (rowOpen) {
    endField();
    rows.push(row);
  }
  return rows;
}

export type Section = Record<string, string>[];

/** The report's sections by name, each as records keyed by its header row. */
export function parseSections(text: string): Map<string, { header: string[]; records: Section }> {
  const sections = new Map<string, { header: string[]; records: Section }>();
  let current: { header: string[]; records: Section } | undefined;
  let expectHeader = false;
  for (const row of parseCsv(text)) {
    if (row.length === 1 && row[0] === '') {
      current = undefined;
      continue;
    }
    if (!current && row.length === 1 && row[0]!.startsWith('# ')) {
      current = { header: [], records: [] };
      sections.set(row[0]!.slice(2), current);
      expectHeader = true;
      continue;
    }
    if (!current) throw new Error(`a row outside any section: ${JSON.stringify(row)}`);
    if (expectHeader) {
      current.header = row;
      expectHeader = false;
      continue;
    }
    if (row.length !== current.header.length)
      throw new Error(`a row of ${row.length} fields under a header of ${current.header.length}`);
    current.records.push(Object.fromEntries(current.header.map((name, k) => [name, row[k]!])));
  }
  return sections;
}
