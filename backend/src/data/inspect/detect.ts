import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileTypeFromFile } from 'file-type';
import { FormatMismatchError, UnsupportedFormatError } from './errors.js';
import { EXTENSIONS, FORMATS, describe, type DetectedFormat, type Format } from './formats.js';
import { modelSignature } from './signatures.js';
import { looksBinary, sniffText, type TextGuess } from './text-sniff.js';
import { zipFormat } from './zip.js';

/** How much of a file text sniffing looks at. */
export const SNIFF_BYTES = 64 * 1024;

/** file-type's names for the binary formats we read; zips are looked into by `zipFormat`. */
const FILE_TYPE_FORMATS: Readonly<Record<string, Format>> = { png: 'png', jpg: 'jpeg', wav: 'wav', mp3: 'mp3', parquet: 'parquet' };
const TEXT_FAMILY: ReadonlySet<Format> = new Set(['csv', 'tsv', 'json', 'jsonl', 'text']);

/**
 * Recognises a file's format by its content, then holds it against the extension: content that
 * contradicts the extension is a `FormatMismatchError`; content we do not read is an
 * `UnsupportedFormatError`. Text formats are told apart by structure (JSON, JSON Lines, delimiter).
 * `name` is the name the user gave (an upload's file name), when the path is a temp file.
 */
export async function detectFormat(path: string, name: string = path): Promise<DetectedFormat> {
  const content = await contentFormat(path);
  return reconcile(content, extname(name).toLowerCase());
}

type Content = { kind: 'binary'; format: Format } | { kind: 'text'; guess: TextGuess };

async function contentFormat(path: string): Promise<Content> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size === 0) throw new UnsupportedFormatError('the file is empty');
    const head = Buffer.alloc(Math.min(size, SNIFF_BYTES));
    await file.read(head, 0, head.length, 0);
    const model = await modelSignature(file, head, size);
    if (model) return { kind: 'binary', format: model };
    const binary = await magicFormat(path);
    if (binary) return { kind: 'binary', format: binary };
    if (looksBinary(head)) throw new UnsupportedFormatError('binary content in no format ML Workbench reads');
    return { kind: 'text', guess: sniffText(head, head.length === size) };
  } finally {
    await file.close();
  }
}

/** Magic bytes, through file-type; formats it knows but we do not read are refused by name. */
async function magicFormat(path: string): Promise<Format | undefined> {
  const type = await fileTypeFromFile(path);
  if (!type) return undefined;
  if (type.ext === 'zip' || type.ext === 'xlsx') {
    const inner = await zipFormat(path);
    if (inner) return inner;
    throw new UnsupportedFormatError('a ZIP archive that is neither an Excel workbook nor a PyTorch checkpoint', 'application/zip');
  }
  const format = FILE_TYPE_FORMATS[type.ext];
  if (format) return format;
  // Markup is still text to us; anything else file-type names is a format we do not read.
  if (type.mime.startsWith('text/') || type.mime === 'application/xml') return undefined;
  throw new UnsupportedFormatError(`${type.mime} (.${type.ext}) is not a format ML Workbench reads`, type.mime);
}

function reconcile(content: Content, extension: string): DetectedFormat {
  const accepted = EXTENSIONS[extension];
  if (content.kind === 'binary') {
    if (accepted && !accepted.includes(content.format)) throw mismatch(extension, accepted, content.format);
    return describe(content.format);
  }
  const { formats, delimiter } = content.guess;
  const chosen = accepted ? chooseText(formats, accepted) : formats[0]!;
  if (!chosen) throw mismatch(extension, accepted!, formats[0]!);
  if (chosen === 'csv' || chosen === 'tsv') return describe(chosen, delimiter ?? (chosen === 'tsv' ? '\t' : ','));
  return describe(chosen);
}

/**
 * The extension's own format when the content may be it; else the likeliest content format the
 * extension accepts; else, for unstructured text in a structured-text name (prose in a `.json`),
 * the extension's format, so that validation names the line that breaks it.
 */
function chooseText(formats: Format[], accepted: readonly Format[]): Format | undefined {
  if (formats.includes(accepted[0]!)) return accepted[0];
  const fit = formats.find((f) => accepted.includes(f));
  if (fit) return fit;
  if (formats.includes('text') && TEXT_FAMILY.has(accepted[0]!)) return accepted[0];
  return undefined;
}

function mismatch(extension: string, accepted: readonly Format[], actual: Format): FormatMismatchError {
  return new FormatMismatchError(extension, FORMATS[accepted[0]!].label, FORMATS[actual].label);
}
