import { z } from 'zod';

/** Machine-readable error codes; the HTTP status is derived from the code on the server. */
export const ErrorCode = z.enum([
  'bad_request',
  'invalid_json',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'unprocessable',
  /** The container engine or cluster failed (unreachable, refused); the request itself was fine. */
  'engine_error',
  /** A dataset upload is not a supported format or is malformed (422); details: `InvalidDataDetails`. */
  'invalid_data',
  /** A stored dataset object no longer matches its hash (server-side corruption, 503); run `mlwb data verify`. */
  'corrupt_blob',
  /** Uploaded content whose md5 differs from the one it was sent under (422); nothing was stored. */
  'hash_mismatch',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** One problem with one input field: `path` is where it is (e.g. `body.name`), `message` why. */
export const FieldIssue = z.object({
  path: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssue>;

/** Every non-2xx answer of the API has this body. */
export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    details: z.object({ issues: z.array(FieldIssue).optional() }).catchall(z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
