import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../backend/src/client/index.js';
import type { DatasetVersion } from '../../../../backend/src/protocol/index.js';
import { addDataset, duplicateOf, invalidDataText, type AddRequest, type DuplicateChoice } from '../../../../extension/src/datasets/addFlow.js';
import { datasetVersion } from '../../../fixtures/datasets/views.js';

const request: AddRequest = { path: '/w/iris.csv', name: 'iris', message: 'again' };

/** An API error as the client raises it, carrying the answer's `details`. */
function apiError(status: number, code: 'conflict' | 'invalid_data' | 'internal', details?: Record<string, unknown>): ApiError {
  return new ApiError(status, code, `HTTP ${status}`, [], { details });
}

/** An upload double: answers in turn with what the test lists, recording the `force` of each call. */
function uploads(...answers: (DatasetVersion | Error)[]) {
  const forced: boolean[] = [];
  const upload = async (_req: AddRequest, force: boolean): Promise<DatasetVersion> => {
    forced.push(force);
    const answer = answers.shift();
    if (!answer) throw new Error('no more answers');
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { upload, forced };
}

const never = async (): Promise<DuplicateChoice> => {
  throw new Error('asked about a duplicate');
};

describe('Add Dataset decisions', () => {
  const v3 = datasetVersion({ ref: 'iris@v3' });
  const v4 = datasetVersion({ ref: 'iris@v4' });

  it('adds the version the upload returns, without force', async () => {
    const { upload, forced } = uploads(v4);
    expect(await addDataset(request, upload, never)).toEqual({ kind: 'added', version: v4 });
    expect(forced).toEqual([false]);
  });

  it('on a duplicate (409) asks, and keeps the existing version when told to', async () => {
    const { upload, forced } = uploads(apiError(409, 'conflict', { existing: v3 }));
    const asked: DatasetVersion[] = [];
    const outcome = await addDataset(request, upload, async (existing) => {
      asked.push(existing);
      return 'keep';
    });
    expect(outcome).toEqual({ kind: 'kept', existing: v3 });
    expect(asked.map((v) => v.ref)).toEqual(['iris@v3']);
    expect(forced).toEqual([false]);
  });

  it('on a duplicate, "Create New Version Anyway" uploads again with force', async () => {
    const { upload, forced } = uploads(apiError(409, 'conflict', { existing: v3 }), v4);
    expect(await addDataset(request, upload, async () => 'force')).toEqual({ kind: 'added', version: v4 });
    expect(forced).toEqual([false, true]);
  });

  it('on a duplicate, a dismissed question adds nothing', async () => {
    const { upload, forced } = uploads(apiError(409, 'conflict', { existing: v3 }));
    expect(await addDataset(request, upload, async () => undefined)).toBeUndefined();
    expect(forced).toEqual([false]);
  });

  it('on refused data (422) says the problem with its line and byte, and does not ask', async () => {
    const { upload } = uploads(apiError(422, 'invalid_data', { problem: 'a row has 4 fields, the header 5', path: 'iris.csv', line: 7, byte: 1234 }));
    expect(await addDataset(request, upload, never)).toEqual({ kind: 'invalid', message: 'iris.csv: a row has 4 fields, the header 5 (line 7, byte 1234)' });
  });

  it('rethrows any other error for the command to show', async () => {
    const { upload } = uploads(apiError(500, 'internal'));
    await expect(addDataset(request, upload, never)).rejects.toThrow('HTTP 500');
  });

  it('reads 409 and 422 details only when they match the protocol', () => {
    expect(duplicateOf(apiError(409, 'conflict', { existing: { ref: 'iris@v3' } }))).toBeUndefined();
    expect(duplicateOf(apiError(422, 'conflict', { existing: v3 }))).toBeUndefined();
    expect(invalidDataText(apiError(422, 'invalid_data', { problem: 'not a CSV' }))).toBe('not a CSV');
    expect(invalidDataText(apiError(422, 'invalid_data', { problem: 'bad UTF-8', byte: 0 }))).toBe('bad UTF-8 (byte 0)');
    expect(invalidDataText(new Error('x'))).toBeUndefined();
  });
});
