import { Tokenizer } from '@streamparser/json';
import { CsvScanner } from './csv-scan.js';
import type { Format } from './formats.js';

/**
 * Structure sniffing of text content, on the first bytes of a file. It answers the formats the
 * content could be, most likely first, with the sniffed delimiter for delimited text; plain text
 * is always last, since any readable text is that too.
 */
export interface TextGuess {
  formats: Format[];
  delimiter?: string;
}

/** Control bytes that never appear in text (NUL, and C0 controls other than tab, LF, CR, FF, ESC). */
export function looksBinary(head: Uint8Array): boolean {
  let controls = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) controls++;
  }
  return controls > head.length / 100;
}

const DELIMITERS = [',', '\t', ';', '|'];
/** Records a delimiter must split consistently before it is believed (one line of prose may hold a comma). */
const MIN_RECORDS = 2;

export function sniffText(head: Uint8Array, whole: boolean): TextGuess {
  const text = stripBom(head);
  const first = firstNonSpace(text);
  if (first === 0x7b || first === 0x5b) {
    const json = sniffJson(text, whole);
    if (json.length) return { formats: json };
  }
  const delimiter = sniffDelimiter(text, whole);
  if (delimiter !== undefined) return { formats: [delimiter === '\t' ? 'tsv' : 'csv', 'text'], delimiter };
  return { formats: ['text'] };
}

function stripBom(head: Uint8Array): Uint8Array {
  return head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
}

function firstNonSpace(text: Uint8Array): number | undefined {
  return text.find((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
}

/**
 * JSON Lines when the first line is a whole JSON value and more lines follow (a single JSON
 * document cannot go on after its value, so a broken later line is malformed JSON Lines, for
 * validation to name); one line that is the whole file is either; JSON when the text tokenizes.
 */
function sniffJson(text: Uint8Array, whole: boolean): Format[] {
  const decoded = Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8');
  const lines = decoded.split('\n');
  if (!whole) lines.pop(); // the last line may be cut off
  const values = lines.filter((l) => l.trim());
  if (values.length && parses(values[0]!)) {
    if (values.length >= 2) return ['jsonl'];
    if (whole) return ['json', 'jsonl'];
  }
  return tokenizes(text, whole) ? ['json'] : [];
}

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

function tokenizes(text: Uint8Array, whole: boolean): boolean {
  const tokenizer = new Tokenizer();
  tokenizer.onToken = () => undefined;
  tokenizer.onError = (err) => {
    throw err;
  };
  try {
    tokenizer.write(text);
    if (whole && !tokenizer.isEnded) tokenizer.end();
    return true;
  } catch {
    return false;
  }
}

/** The delimiter that splits every record of the sample into the same number (≥ 2) of fields; the most fields wins. */
function sniffDelimiter(text: Uint8Array, whole: boolean): string | undefined {
  let best: { delimiter: string; fields: number } | undefined;
  for (const delimiter of DELIMITERS) {
    const scanner = new CsvScanner(delimiter.charCodeAt(0));
    if (scanner.push(text) || (whole && scanner.finish())) continue;
    if (scanner.records < MIN_RECORDS || scanner.expected < 2) continue;
    if (!best || scanner.expected > best.fields) best = { delimiter, fields: scanner.expected };
  }
  return best?.delimiter;
}
