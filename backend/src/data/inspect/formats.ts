/** The formats ML Workbench recognises by content, with what each means for storage and profiling. */

export const FORMATS = {
  csv: { mediaType: 'text/csv', tabular: true, label: 'CSV' },
  tsv: { mediaType: 'text/tab-separated-values', tabular: true, label: 'TSV' },
  parquet: { mediaType: 'application/vnd.apache.parquet', tabular: true, label: 'Parquet' },
  json: { mediaType: 'application/json', tabular: true, label: 'JSON' },
  jsonl: { mediaType: 'application/jsonl', tabular: true, label: 'JSON Lines' },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', tabular: true, label: 'Excel workbook' },
  jpeg: { mediaType: 'image/jpeg', tabular: false, label: 'JPEG image' },
  png: { mediaType: 'image/png', tabular: false, label: 'PNG image' },
  wav: { mediaType: 'audio/wav', tabular: false, label: 'WAV audio' },
  mp3: { mediaType: 'audio/mpeg', tabular: false, label: 'MP3 audio' },
  text: { mediaType: 'text/plain', tabular: false, label: 'plain text' },
  pytorch: { mediaType: 'application/x-pytorch', tabular: false, label: 'PyTorch checkpoint' },
  hdf5: { mediaType: 'application/x-hdf5', tabular: false, label: 'HDF5' },
  onnx: { mediaType: 'application/x-onnx', tabular: false, label: 'ONNX model' },
  pickle: { mediaType: 'application/x-python-pickle', tabular: false, label: 'Python pickle' },
} as const;

export type Format = keyof typeof FORMATS;

/** What detection answers: the format, its media type, whether it can be profiled as a table. */
export interface DetectedFormat {
  format: Format;
  mediaType: string;
  tabular: boolean;
  /** The field separator of CSV/TSV, as sniffed from the content. */
  delimiter?: string;
}

/** Formats a file extension stands for; the first is what the extension means, the rest are also accepted. */
export const EXTENSIONS: Readonly<Record<string, readonly Format[]>> = {
  '.csv': ['csv', 'tsv'],
  '.tsv': ['tsv', 'csv'],
  '.tab': ['tsv', 'csv'],
  '.parquet': ['parquet'],
  '.json': ['json', 'jsonl'],
  '.jsonl': ['jsonl'],
  '.ndjson': ['jsonl'],
  '.xlsx': ['xlsx'],
  '.jpg': ['jpeg'],
  '.jpeg': ['jpeg'],
  '.png': ['png'],
  '.wav': ['wav'],
  '.mp3': ['mp3'],
  '.txt': ['text', 'csv', 'tsv', 'json', 'jsonl'],
  // torch.save writes a zip since PyTorch 1.6 and a bare pickle before that.
  '.pth': ['pytorch', 'pickle'],
  '.pt': ['pytorch', 'pickle'],
  '.h5': ['hdf5'],
  '.hdf5': ['hdf5'],
  '.onnx': ['onnx'],
  '.pkl': ['pickle'],
  '.pickle': ['pickle'],
};

export function describe(format: Format, delimiter?: string): DetectedFormat {
  const { mediaType, tabular } = FORMATS[format];
  return delimiter === undefined ? { format, mediaType, tabular } : { format, mediaType, tabular, delimiter };
}
