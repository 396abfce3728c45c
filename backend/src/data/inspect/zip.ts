import yauzl from 'yauzl';
import { MalformedDataError } from './errors.js';
import type { Format } from './formats.js';

/** Names of a zip's entries, from its central directory (nothing is inflated). */
function entryNames(path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err) return reject(err);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/**
 * What a zip holds: an Excel workbook has `xl/workbook.xml` (ECMA-376 Part 2), a PyTorch checkpoint
 * has `<archive>/data.pkl` (torch.save since 1.6); any other zip is not a format we read.
 */
export async function zipFormat(path: string): Promise<Format | undefined> {
  let names: string[];
  try {
    names = await entryNames(path);
  } catch (e) {
    throw new MalformedDataError('ZIP', `the archive cannot be read: ${(e as Error).message}`, { byteOffset: 0 });
  }
  if (names.includes('xl/workbook.xml')) return 'xlsx';
  if (names.some((n) => /^[^/]+\/data\.pkl$/.test(n))) return 'pytorch';
  return undefined;
}
