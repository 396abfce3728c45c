import { z } from 'zod';
import { ApiError, type ApiClient } from '../../../backend/src/client/index.js';
import { addDataset as uploadDataset, complete, type UploadProgress } from '../../../backend/src/client/data-upload.js';
import { DuplicateDetails, InvalidDataDetails, type DatasetVersion } from '../../../backend/src/protocol/index.js';

/** What Add Dataset… uploads. */
export interface AddRequest {
  /** The file or folder on disk. */
  path: string;
  name: string;
  message: string;
}

/** Uploads `request` and adds the version (`force`: even when identical to an existing one); rejects with the API's error. */
export type AddUpload = (request: AddRequest, force: boolean) => Promise<DatasetVersion>;

/**
 * Add Dataset…'s upload through the client's helper (the one the CLI uses: chunks, back-off and
 * resume from the committed offset). The bytes go once: after a 409 duplicate the backend keeps
 * the session, and the call with `force` only completes it. A failed or cancelled send cancels
 * the session, since nothing in the editor resumes it.
 */
export function clientUpload(client: ApiClient, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): AddUpload {
  let sent: string | undefined;
  return async (request, force) => {
    const body = { name: request.name, message: request.message, force };
    if (sent) return complete(client, sent, body);
    try {
      return await uploadDataset(client, request.path, body, { onProgress, signal, discardOnFailure: true });
    } catch (error) {
      const uploadId = error instanceof ApiError ? error.details.uploadId : undefined;
      if (typeof uploadId === 'string') sent = uploadId;
      throw error;
    }
  };
}

/** What the user answers to "identical to v3": keep it, or add a new version anyway; undefined when dismissed. */
export type DuplicateChoice = 'keep' | 'force' | undefined;

export type AddOutcome =
  | { kind: 'added'; version: DatasetVersion }
  | { kind: 'kept'; existing: DatasetVersion }
  | { kind: 'invalid'; message: string };

const Duplicate = z.object({ status: z.literal(409), details: DuplicateDetails });
const Invalid = z.object({ status: z.literal(422), details: InvalidDataDetails });

/** The version an add was refused for being identical to (the 409's `details.existing`), or undefined. */
export function duplicateOf(error: unknown): DatasetVersion | undefined {
  const parsed = Duplicate.safeParse(error);
  return parsed.success ? parsed.data.details.existing : undefined;
}

/** `data.csv: a row has 4 fields, the header 5 (line 7, byte 1234)` for a 422 the data was refused with, or undefined. */
export function invalidDataText(error: unknown): string | undefined {
  const parsed = Invalid.safeParse(error);
  if (!parsed.success) return undefined;
  const { problem, path, line, byte } = parsed.data.details;
  const where = [line !== undefined ? `line ${line}` : undefined, byte !== undefined ? `byte ${byte}` : undefined].filter(Boolean).join(', ');
  return `${path ? `${path}: ` : ''}${problem}${where ? ` (${where})` : ''}`;
}

/**
 * Add Dataset…'s decisions after the name and message are known: upload; when the backend answers
 * that the content equals an existing version (409), ask, then keep that version or upload again
 * with `force`; when it refuses the data (422), say what and where. Anything else is rethrown for
 * the command to show.
 */
export async function addDataset(request: AddRequest, upload: AddUpload, askDuplicate: (existing: DatasetVersion) => Promise<DuplicateChoice>): Promise<AddOutcome | undefined> {
  try {
    return { kind: 'added', version: await upload(request, false) };
  } catch (error) {
    const invalid = invalidDataText(error);
    if (invalid) return { kind: 'invalid', message: invalid };
    const existing = duplicateOf(error);
    if (!existing) throw error;
    const choice = await askDuplicate(existing);
    if (choice === 'keep') return { kind: 'kept', existing };
    if (choice !== 'force') return undefined;
    try {
      return { kind: 'added', version: await upload(request, true) };
    } catch (retryError) {
      const text = invalidDataText(retryError);
      if (text) return { kind: 'invalid', message: text };
      throw retryError;
    }
  }
}

/** The question asked on a duplicate: `Identical to v3 (iris@v3, added 2 hours ago)`. */
export function duplicateQuestion(existing: DatasetVersion, when: string): string {
  return `The content is identical to v${existing.number} (${existing.ref}, added ${when}).`;
}

