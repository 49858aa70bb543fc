/**
 * RFC 4180 CSV, and turning uploaded bytes into text. Parsing is one linear pass over the text: quoted fields may
 * hold commas, doubled quotes and line breaks; records end with CRLF or LF; a final line break is optional.
 */

/** A malformed file: what is wrong and where (1-based line; byte offset when the problem is in the bytes). */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly offset?: number,
  ) {
    super(message);
  }
}

/** One CSV record: the line it starts on (1-based) and its cells. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * Decodes uploaded bytes: a UTF-8 byte order mark is dropped, UTF-16 (LE or BE, recognised only by its byte order
 * mark) is decoded, anything else must be valid UTF-8. Invalid UTF-8 throws a CsvError naming the byte offset and
 * line of the first bad byte.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const bad = firstInvalidUtf8(bytes, start);
  if (bad !== -1) {
    let line = 1;
    for (let i = start; i < bad; i++) if (bytes[i] === 0x0a) line++;
    throw new CsvError(`The file is not valid UTF-8: byte ${bad} (line ${line}) is not part of a UTF-8 character.`, line, bad);
  }
  return new TextDecoder('utf-8').decode(bytes.subarray(start));
}

/** Strips a leading U+FEFF (a byte order mark that survived decoding). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array, start: number): number {
  let i = start;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = c & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const n = b[i + k];
      if (n === undefined || (n & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (n & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** The separators a CSV file may use: commas (RFC 4180), or semicolons as GLPI and spreadsheets in many locales write. */
export type CsvDelimiter = ',' | ';';

/**
 * The separator of a file: a semicolon when its first line holds semicolons outside quotes and no comma, else a
 * comma.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const src = stripBom(text);
  let quoted = false;
  let semicolons = 0;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch === ',') return ',';
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > 0 ? ';' : ',';
}

/**
 * Parses CSV text into records (the header is the first), with cells separated by `delimiter`. Throws a CsvError
 * for a quote that is never closed or text after a closing quote. Blank lines are skipped.
 */
export function parseCsv(text: string, delimiter: CsvDelimiter = ','): CsvRecord[] {
  const src = stripBom(text);
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let touched = false;
  let cellStarted = false;
  const endRecord = () => {
    if (touched || cells.length > 0) {
      cells.push(cell);
      records.push({ line: recordLine, cells });
    }
    cells = [];
    cell = '';
    touched = false;
    cellStarted = false;
  };
  while (i < src.length) {
    const ch = src[i];
    if (ch === '"' && !cellStarted) {
      const quoteLine = line;
      touched = true;
      cellStarted = true;
      i++;
      let closed = false;
      let from = i;
      while (i < src.length) {
        const q = src.indexOf('"', i);
        if (q === -1) break;
        for (let k = i; k < q; k++) if (src.charCodeAt(k) === 10) line++;
        if (src[q + 1] === '"') {
          cell += src.slice(from, q + 1);
          i = q + 2;
          from = i;
          continue;
        }
        cell += src.slice(from, q);
        i = q + 1;
        closed = true;
        break;
      }
      if (!closed) throw new CsvError(`A quoted field opened on line ${quoteLine} is never closed.`, quoteLine);
      const next = src[i];
      if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
        throw new CsvError(`Line ${line}: text after a closing quote; a quote inside a field must be doubled ("").`, line);
      }
      continue;
    }
    if (ch === delimiter) {
      cells.push(cell);
      cell = '';
      touched = true;
      cellStarted = false;
      i++;
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      let end = i;
      while (end < src.length) {
        const c = src[end];
        if (c === delimiter || c === '\n' || c === '\r') break;
        if (c === '"') throw new CsvError(`Line ${line}: a quote inside an unquoted field; quote the whole field.`, line);
        end++;
      }
      cell += src.slice(i, end);
      touched = true;
      cellStarted = true;
      i = end;
    }
  }
  endRecord();
  return records;
}

/** Formats one CSV record (no line break): fields with commas, quotes or line breaks are quoted. */
export function formatCsvRecord(cells: ReadonlyArray<string>): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');
}
