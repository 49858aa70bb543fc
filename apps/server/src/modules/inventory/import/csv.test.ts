import { describe, expect, it } from 'vitest';
import { CsvError, decodeText, detectDelimiter, formatCsvRecord, parseCsv } from './csv';

const cells = (text: string) => parseCsv(text).map((r) => r.cells);

describe('parseCsv', () => {
  it('reads quotes, doubled quotes, embedded commas and line breaks, CRLF and LF', () => {
    expect(cells('a,b,c\r\n1,"x, y","say ""hi"""\n2,"line1\r\nline2",\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'line1\r\nline2', ''],
    ]);
  });

  it('numbers records by the line they start on, skipping blank lines', () => {
    const records = parseCsv('h\n"a\nb"\n\nc');
    expect(records.map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it('keeps empty quoted fields and a missing final line break', () => {
    expect(cells('a,"",b\n,,')).toEqual([
      ['a', '', 'b'],
      ['', '', ''],
    ]);
    expect(cells('x,"y"')).toEqual([['x', 'y']]);
  });

  it('strips a byte order mark left in the text', () => {
    expect(cells('\uFEFFname\nweb')).toEqual([['name'], ['web']]);
  });

  it('refuses an unclosed quote and stray quotes with the line', () => {
    expect(() => parseCsv('a\n"open\nmore')).toThrow(/opened on line 2 is never closed/);
    expect(() => parseCsv('a\n"x"y')).toThrow(/Line 2: text after a closing quote/);
    expect(() => parseCsv('a\nx"y')).toThrow(/Line 2: a quote inside an unquoted field/);
  });

  it('is linear on large input', () => {
    const big = `name,serial\n${Array.from({ length: 50_000 }, (_, i) => `"host ${i}, x",S${i}`).join('\n')}`;
    expect(parseCsv(big)).toHaveLength(50_001);
  });
});

describe('decodeText', () => {
  const bytes = (...b: number[]) => Uint8Array.from(b);

  it('drops a UTF-8 BOM and decodes UTF-16 by its BOM', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('ä,b')]))).toBe('ä,b');
    expect(decodeText(new Uint8Array([0xff, 0xfe, ...Buffer.from('hé', 'utf16le')]))).toBe('hé');
    const be = Buffer.from('hé', 'utf16le').swap16();
    expect(decodeText(new Uint8Array([0xfe, 0xff, ...be]))).toBe('hé');
  });

  it('names the byte offset and line of invalid UTF-8', () => {
    const input = new Uint8Array([...Buffer.from('a\nb'), 0xc3, 0x28]);
    try {
      decodeText(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CsvError);
      expect((error as CsvError).offset).toBe(3);
      expect((error as CsvError).line).toBe(2);
      expect((error as Error).message).toContain('byte 3 (line 2)');
    }
    for (const bad of [bytes(0xff), bytes(0xc0, 0x80), bytes(0xed, 0xa0, 0x80), bytes(0xe2, 0x82)]) {
      expect(() => decodeText(bad)).toThrow(/not valid UTF-8/);
    }
    expect(decodeText(Buffer.from('€𝄞'))).toBe('€𝄞');
  });
});

describe('formatCsvRecord', () => {
  it('round-trips awkward cells', () => {
    const row = ['plain', 'a,b', 'say "hi"', 'two\nlines', ''];
    expect(parseCsv(formatCsvRecord(row))[0]?.cells).toEqual(row);
  });
});

describe('semicolon-separated files', () => {
  it('detects the separator from the header line, outside quotes', () => {
    expect(detectDelimiter('"Name";"Status"\r\n"a,b";"x"\r\n')).toBe(';');
    expect(detectDelimiter('name,"a;b"\n1,2\n')).toBe(',');
    expect(detectDelimiter('\uFEFFname\n1\n')).toBe(',');
  });

  it('reads quoted cells with commas and semicolons inside', () => {
    expect(parseCsv('"Name";"Note"\r\n"pc-1";"a, b; c"\r\n', ';').map((r) => r.cells)).toEqual([
      ['Name', 'Note'],
      ['pc-1', 'a, b; c'],
    ]);
  });
});
