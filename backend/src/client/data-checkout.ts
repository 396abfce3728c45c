/**
 * Materialising a dataset version in a workspace, from any backend (local or remote): every file
 * is downloaded into a hidden staging folder and checked against its md5, then the staging folder
 * replaces the target in one rename and the `.dvc` file is written beside it, so a failure leaves
 * the workspace as it was.
 *
 * Layout: a folder version `NAME` becomes `<to>/NAME/` with `<to>/NAME.dvc`; a single-file
 * version becomes `<to>/NAME/<file name>` with `<to>/NAME/<file name>.dvc` (DVC tracks the file
 * itself, so `dvc pull` finds its object in the store).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
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
  onProgress?: (progress: { files: number; totalFiles: number; bytes: number; totalBytes: number }) => void;
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
  const file = version.files[0]!;
  const dvcText = serialiseDvcFile({ md5: file.md5, size: file.size, path: file.path });
  return { target: join(root, file.path), dvcFile: join(root, `${file.path}.dvc`), dvcText, root };
}

/** Downloads one file of a version to `dest`, hashing as it writes; a short or wrong answer is an error and leaves no file. */
async function download(client: ApiClient, dispatcher: Dispatcher | undefined, version: VersionDetail, file: VersionFile, dest: string): Promise<void> {
  const { url: base, token } = client.options;
  const path = buildPath(rawDataRoutes.versionFile.path, { name: version.dataset, number: version.number });
  const url = new URL(`${path}?path=${encodeURIComponent(file.path)}`, base);
  const res = await request(url, { method: 'GET', headers: token ? { authorization: `Bearer ${token}` } : {}, dispatcher, headersTimeout: 60_000, bodyTimeout: 10 * 60_000 }).catch(
    (cause: Error) => {
      throw new ApiError(0, 'unreachable', `cannot reach ${base}: ${cause.message}`, [], { cause });
    },
  );
  if (res.statusCode !== 200) {
    const text = await res.body.text();
    const parsed = (() => { try { return JSON.parse(text) as { error?: { code?: string; message?: string } }; } catch { return undefined; } })();
    throw new ApiError(res.statusCode, 'bad_response', parsed?.error?.message ?? `HTTP ${res.statusCode} from ${url.pathname}`);
  }
  const hash = createHash('md5');
  const hasher = new Transform({ transform: (chunk: Buffer, _e, cb) => (hash.update(chunk), cb(null, chunk)) });
  await pipeline(res.body, hasher, createWriteStream(dest, { flags: 'wx' }));
  const md5 = hash.digest('hex');
  if (md5 !== file.md5) throw new Error(`${file.path} arrived with md5 ${md5} instead of ${file.md5}; nothing was checked out`);
}

/** Checks out `name@vNUMBER` under `options.to` (default `data/raw`) and writes its `.dvc` file. */
export async function checkoutVersion(client: ApiClient, name: string, number: number, options: CheckoutOptions = {}): Promise<CheckoutResult> {
  const version = await client.call('getVersion', { params: { name, number } });
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
  let bytes = 0;
  try {
    await mkdir(staging);
    for (const [i, file] of version.files.entries()) {
      const dest = version.kind === 'folder' ? join(staging, ...file.path.split('/')) : staging + '.file';
      await mkdir(dirname(dest), { recursive: true });
      await download(client, dispatcher, version, file, dest);
      bytes += file.size;
      options.onProgress?.({ files: i + 1, totalFiles: version.files.length, bytes, totalBytes: version.totalSize });
    }
    if (version.kind === 'file') await rename(staging + '.file', join(staging, version.files[0]!.path));
    const staged = version.kind === 'folder' ? staging : join(staging, version.files[0]!.path);
    await writeFile(`${staging}.dvc`, layout.dvcText);
    const hadOld = await exists(layout.target);
    if (hadOld) await rename(layout.target, old);
    await rename(staged, layout.target);
    await rename(`${staging}.dvc`, layout.dvcFile);
    return { version, target: layout.target, dvcFile: layout.dvcFile, bytes };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(`${staging}.file`, { force: true });
    await rm(`${staging}.dvc`, { force: true });
    await rm(old, { recursive: true, force: true });
    await dispatcher?.close();
  }
}
