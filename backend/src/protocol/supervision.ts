import { z } from 'zod';

/**
 * What a supervisor (the extension, `npm start`) reads from a backend it starts: the lines of
 * `mlwb server --ready-json` and the data directory's `server.lock`.
 */
const HttpUrl = z.url({ protocol: /^https?$/ });

/** `<dataDir>/server.lock` while a backend owns the directory; `url` is null until it listens. */
export const ServerLock = z.object({
  pid: z.number().int().positive(),
  url: HttpUrl.nullable(),
  version: z.string(),
  startedAt: z.string(),
});
export type ServerLock = z.infer<typeof ServerLock>;

/** The one stdout line printed once listening, e.g. `{"mlwbReady":true,"url":"http://127.0.0.1:41234","version":"0.1.0"}`. */
export const ReadyLine = z.object({
  mlwbReady: z.literal(true),
  url: HttpUrl,
  version: z.string().min(1),
});
export type ReadyLine = z.infer<typeof ReadyLine>;

/** Printed instead, just before exiting with code 3, when another backend owns the data directory. */
export const AlreadyRunningLine = ServerLock.extend({ mlwbAlreadyRunning: z.literal(true) });
export type AlreadyRunningLine = z.infer<typeof AlreadyRunningLine>;
