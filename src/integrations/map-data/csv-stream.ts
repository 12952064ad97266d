/**
 * Text delimited files as Step Functions reads them ("How Step Functions parses input CSV files" in
 * the developer guide), streamed:
 * - `CSVDelimiter` separates fields, newlines (`\n`, `\r\n`, `\r`) separate records;
 * - double quotes need not enclose a field; a quoted part may hold delimiters and newlines;
 *   a doubled double quote is one double quote, inside quotes or out (`{""MyKey"":1}` reads `{"MyKey":1}`);
 * - a backslash escapes a backslash, a double quote or the delimiter; before any other character
 *   it is dropped;
 * - every field is a string; a row shorter than the header gets empty strings, a longer one
 *   loses its extra fields.
 * Empty lines hold no record and are passed over (AWS documents no behaviour for them).
 */
import { ReaderCauses, readerFailed } from './errors.js';

/** `ReaderConfig.CSVDelimiter` values and the character each stands for. */
export const CSV_DELIMITERS = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' } as const;
export type CsvDelimiterName = keyof typeof CSV_DELIMITERS;

export class CsvTokenizer {
  private field = '';
  private fieldStarted = false;
  private record: string[] = [];
  private inQuotes = false;
  private quotePending = false;
  private escapePending = false;
  private crPending = false;
  private recordChars = 0;
  readonly records: string[][] = [];

  constructor(
    private readonly delimiter: string,
    private readonly maxRecordChars: number,
    private readonly tooLarge: () => Error,
  ) {}

  feed(text: string): void {
    for (let i = 0; i < text.length; i++) this.char(text[i] as string);
    if (this.recordChars > this.maxRecordChars) throw this.tooLarge();
  }

  end(): void {
    if (this.quotePending) {
      this.quotePending = false;
      if (this.inQuotes) this.inQuotes = false;
      else this.inQuotes = true;
    }
    if (this.inQuotes) throw readerFailed('The CSV file could not be read: a quoted field is not closed.');
    this.escapePending = false;
    this.endRecord();
  }

  private char(c: string): void {
    this.recordChars++;
    if (this.crPending) {
      this.crPending = false;
      if (c === '\n') return;
    }
    if (this.escapePending) {
      this.escapePending = false;
      if (c === '\\' || c === '"' || c === this.delimiter) {
        this.append(c);
        return;
      }
      // A backslash before any other character is dropped; the character reads as usual.
    }
    if (this.quotePending) {
      this.quotePending = false;
      if (c === '"') {
        this.append('"');
        return;
      }
      this.inQuotes = !this.inQuotes;
    }
    if (c === '\\') {
      this.escapePending = true;
      this.fieldStarted = true;
      return;
    }
    if (c === '"') {
      if (!this.inQuotes && !this.fieldStarted) {
        this.inQuotes = true;
        this.fieldStarted = true;
      } else this.quotePending = true;
      return;
    }
    if (this.inQuotes) {
      this.append(c);
      return;
    }
    if (c === this.delimiter) {
      this.record.push(this.field);
      this.field = '';
      this.fieldStarted = false;
      return;
    }
    if (c === '\n' || c === '\r') {
      this.endRecord();
      if (c === '\r') this.crPending = true;
      return;
    }
    this.append(c);
  }

  private append(c: string): void {
    this.field += c;
    this.fieldStarted = true;
  }

  private endRecord(): void {
    if (this.record.length === 0 && !this.fieldStarted && this.field === '') {
      this.recordChars = 0;
      return;
    }
    if (this.recordChars > this.maxRecordChars) throw this.tooLarge();
    this.record.push(this.field);
    this.records.push(this.record);
    this.record = [];
    this.field = '';
    this.fieldStarted = false;
    this.recordChars = 0;
  }
}

/** The records of a text stream. */
export async function* csvRecords(
  text: AsyncIterable<string>,
  delimiter: string,
  maxRecordChars: number,
  tooLarge: () => Error,
): AsyncGenerator<string[]> {
  const tokenizer = new CsvTokenizer(delimiter, maxRecordChars, tooLarge);
  for await (const chunk of text) {
    tokenizer.feed(chunk);
    if (tokenizer.records.length > 0) yield* tokenizer.records.splice(0);
  }
  tokenizer.end();
  if (tokenizer.records.length > 0) yield* tokenizer.records.splice(0);
}

/** Headers checked as AWS checks them: no header twice. */
export function checkHeaders(headers: string[]): string[] {
  if (new Set(headers).size < headers.length) throw readerFailed(ReaderCauses.duplicateHeaders);
  return headers;
}

/** A record as the item AWS gives the child: header → field, `""` for a missing field. */
export function rowObject(headers: string[], record: string[]): Record<string, string> {
  const row: Record<string, string> = {};
  for (let i = 0; i < headers.length; i++) row[headers[i] as string] = record[i] ?? '';
  return row;
}
