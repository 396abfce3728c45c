import { z } from 'zod';
import { DatasetDiff, DatasetVersion } from '../../backend/src/protocol/data.js';
import { Profile } from '../../backend/src/protocol/data-profile.js';

/**
 * The contract between the extension host and the dataset webviews: one message union per
 * direction, validated with zod on arrival on both sides (a stale bundle or a mismatched host fails
 * loudly instead of drawing garbage). Imports only zod and the protocol, so the host (Node) and the
 * webviews (browser) share it.
 *
 * The handshake: the webview posts `ready` once it listens; the host answers with `loading`, then
 * `state` or `error`. The host never posts before `ready` (a message sent earlier would be lost).
 * Webviews never fetch: the host fetches through the typed client and sends the result.
 */

/** The webview apps, as built into `dist/webviews/<app>.js`. */
export const WebviewApp = z.enum(['dataset-profile', 'dataset-diff']);
export type WebviewApp = z.infer<typeof WebviewApp>;

export const ProfileState = z.strictObject({
  version: DatasetVersion,
  /** Null for content that is not a table (images, a folder, a model file): nothing to profile. */
  profile: Profile.nullable(),
});
export type ProfileState = z.infer<typeof ProfileState>;

export const DiffState = z.strictObject({
  before: DatasetVersion,
  after: DatasetVersion,
  diff: DatasetDiff,
});
export type DiffState = z.infer<typeof DiffState>;

/** Webview → host. */
export const WebviewMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), app: WebviewApp }),
  /** The user asks the host to fetch again (after an error). */
  z.strictObject({ type: z.literal('reload') }),
]);
export type WebviewMessage = z.infer<typeof WebviewMessage>;

const Loading = z.strictObject({ type: z.literal('loading'), title: z.string() });
const Failed = z.strictObject({ type: z.literal('error'), title: z.string(), message: z.string() });

/** Host → the profile webview. */
export const ProfileHostMessage = z.discriminatedUnion('type', [Loading, Failed, z.strictObject({ type: z.literal('state'), state: ProfileState })]);
export type ProfileHostMessage = z.infer<typeof ProfileHostMessage>;

/** Host → the diff webview. */
export const DiffHostMessage = z.discriminatedUnion('type', [Loading, Failed, z.strictObject({ type: z.literal('state'), state: DiffState })]);
export type DiffHostMessage = z.infer<typeof DiffHostMessage>;

/** The host-message schema of each app, for the side that validates what arrives. */
export const HOST_MESSAGES = { 'dataset-profile': ProfileHostMessage, 'dataset-diff': DiffHostMessage } as const;

/** One line naming what was wrong with a message that failed validation (the first issue and its path). */
export function describeInvalid(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid message';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
