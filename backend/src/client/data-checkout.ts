/**
 * Materialising a dataset version in a workspace, from any backend (local or remote): every file
 * is downloaded into a hidden staging folder and checked against its md5, then the staging folder
 * replaces the target in one rename and the `.dvc` file is written beside it, so a failure leaves
 * the workspace as it was. One implementation for the CLI and the editor.
 *
 * Layout: a folder version `NAME` becomes `<to>/NAME/` with `<to>/NAME.dvc`; a single-file
 * version becomes `<to>/NAME/<file name>` with `<to>/NAME/<file name>.dvc` (DVC tracks the file
 * itself, so `dvc pull` finds its object in the store).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { rawDataRoutes, type VersionDetail, type VersionFile } from '../protocol/index.js';
import { serialiseDvcFile } from '../data/store/dvcfile.js';
import { splitRelativePath } from '../data/store/paths.js';
import { ApiError } from './errors.js';
import { buildPath, type ApiClient } from './http.js';

export interface CheckoutOptions {
  /** Folder that receives the version; `data/raw` of the current folder by default. */
  to?: string;
  /** Replace a target that has no `.dvc` file beside it (one we did not check out). */
  force?: boolean;
  /** Called as bytes arrive (`files`: those complete and verified). */
  onProgress?: (progress: CheckoutProgress) => void;
  /** Ends the checkout at once; the workspace stays as it was. */
  signal?: AbortSignal;
}

export interface CheckoutProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

export interface CheckoutResult {
  version: VersionDetail;
  /** The folder (folder version) or file (file version) written. */
  target: string;
  dvcFile: string;
  bytes: number;
}

const exists = async (path: string): Promise<boolean> => (await lstat(path).catch(() => undefined)) !== undefined;

/** Where a version goes and what the `.dvc` file says. */
export function checkoutLayout(version: Pick<VersionDetail, 'dataset' | 'kind' | 'files' | 'contentHash' | 'totalSize' | 'fileCount'>, into: string): { target: string; dvcFile: string; dvcText: string; root: string } {
  const root = join(into, version.dataset);
  if (version.kind === 'folder') {
    const dvcText = serialiseDvcFile({ md5: version.contentHash, size: version.totalSize, nfiles: version.fileCount, path: version.dataset });
    return { target: root, dvcFile: `${root}.dvc`, dvcText, root };
  }
  const [file, ...more] = version.files;
  if (!file || more.length > 0) throw new Error(`${version.dataset} is a file version with ${version.files.length} files`);
  const segments = splitRelativePath(file.path); // the backend checked them; a workspace trusts nobody
  const dvcText = serialiseDvcFile({ md5: file.md5, size: file.size, path: segments.at(-1)! });
  const target = join(root, ...segments);
  return { target, dvcFile: `${target}.dvc`, dvcText, root };
}

/** Downloads one file of a version to `dest`, hashing as it writes; a short or wrong answer is an error (the caller drops the staging folder). */
async function download(client: ApiClient, dispatcher: Dispatcher | undefined, version: VersionDetail, file: VersionFile, dest: string, onBytes: (n: number) => void, signal?: AbortSignal): Promise<void> {
  const { url: base, token } = client.options;
  const path = buildPath(rawDataRoutes.versionFile.path, { name: version.dataset, number: version.number });
  const url = new URL(`${path}?path=${encodeURIComponent(file.path)}`, base);
  const res = await request(url, { method: 'GET', headers: token ? { authorization: `Bearer ${token}` } : {}, dispatcher, signal, headersTimeout: 60_000, bodyTimeout: 10 * 60_000 }).catch(
    (cause: Error) => {
      if (signal?.aborted) throw cause;
      throw new ApiError(0, 'unreachable', `cannot reach ${base}: ${cause.message}`, [], { cause });
    },
  );
  if (res.statusCode !== 200) {
    const text = await res.body.text();
    const parsed = (() => { try { return JSON.parse(text) as { error?: { code?: string; message?: string } }; } catch { return undefined; } })();
    throw new ApiError(res.statusCode, 'bad_response', parsed?.error?.message ?? `HTTP ${res.statusCode} from ${url.pathname}`);
  }
  const hash = createHash('md5');
  const hasher = new Transform({ transform: (chunk: Buffer, _e, cb) => (hash.update(chunk), onBytes(chunk.length), cb(null, chunk)) });
  await pipeline(res.body, hasher, createWriteStream(dest, { flags: 'wx' }));
  const md5 = hash.digest('hex');
  if (md5 !== file.md5) throw new Error(`${file.path} arrived with md5 ${md5} instead of ${file.md5}; nothing was checked out`);
}

/** Checks out `name@vNUMBER` under `options.to` (default `data/raw`) and writes its `.dvc` file. */
export async function checkoutVersion(client: ApiClient, name: string, number: number, options: CheckoutOptions = {}): Promise<CheckoutResult> {
  return writeVersion(client, await client.call('getVersion', { params: { name, number } }), options);
}

/** Checks out a version already fetched (`getVersion`), e.g. after the editor asked before replacing what is there. */
export async function writeVersion(client: ApiClient, version: VersionDetail, options: CheckoutOptions = {}): Promise<CheckoutResult> {
  for (const f of version.files) splitRelativePath(f.path); // the backend checked them; a workspace trusts nobody
  const into = resolve(options.to ?? join('data', 'raw'));
  const layout = checkoutLayout(version, into);
  if (!options.force && (await exists(layout.target)) && !(await exists(layout.dvcFile))) {
    throw new Error(`${layout.target} exists and was not checked out by ML Workbench (no ${layout.dvcFile}); use --force to replace it`);
  }
  await mkdir(dirname(layout.target), { recursive: true });
  const tag = randomUUID();
  const staging = join(dirname(layout.target), `.${version.dataset}.mlwb-checkout-${tag}`);
  const old = join(dirname(layout.target), `.${version.dataset}.mlwb-old-${tag}`);
  const dispatcher = client.options.ca ? new Agent({ connect: { ca: client.options.ca } }) : undefined;
  const fileName = version.kind === 'file' ? basename(layout.target) : '';
  const progress: CheckoutProgress = { files: 0, totalFiles: version.files.length, bytes: 0, totalBytes: version.totalSize };
  try {
    await mkdir(staging);
    for (const file of version.files) {
      const dest = version.kind === 'folder' ? join(staging, ...splitRelativePath(file.path)) : join(staging, fileName);
      await mkdir(dirname(dest), { recursive: true });
      await download(client, dispatcher, version, file, dest, (n) => ((progress.bytes += n), options.onProgress?.({ ...progress })), options.signal);
      progress.files += 1;
      options.onProgress?.({ ...progress });
    }
    const staged = version.kind === 'folder' ? staging : join(staging, fileName);
    await writeFile(`${staging}.dvc`, layout.dvcText);
    if (await exists(layout.target)) await rename(layout.target, old);
    await rename(staged, layout.target);
    await rename(`${staging}.dvc`, layout.dvcFile);
    return { version, target: layout.target, dvcFile: layout.dvcFile, bytes: progress.bytes };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(`${staging}.dvc`, { force: true });
    await rm(old, { recursive: true, force: true });
    await dispatcher?.close();
  }
}
