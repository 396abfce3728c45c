import { z } from 'zod';

const HttpUrl = z.url({ protocol: /^https?$/ });

/**
 * The one stdout line `mlwb server --ready-json` prints once it listens, e.g.
 * `{"mlwbReady":true,"url":"http://127.0.0.1:41234","version":"0.1.0"}`. Every other line is log output.
 */
export const ReadyLine = z.object({
  mlwbReady: z.literal(true),
  url: HttpUrl,
  version: z.string().min(1),
});
export type ReadyLine = z.infer<typeof ReadyLine>;

/**
 * What `mlwb server --ready-json` prints instead, just before it exits with code 3, when another
 * backend owns the data directory; `url` is null while that one is still starting.
 */
export const AlreadyRunningLine = z.object({
  mlwbAlreadyRunning: z.literal(true),
  pid: z.number().int().positive(),
  url: HttpUrl.nullable(),
  version: z.string(),
  startedAt: z.string(),
});
export type AlreadyRunningLine = z.infer<typeof AlreadyRunningLine>;

/** Either announcement: this server listens, or another one owns the data directory. */
export type Announcement = ReadyLine | AlreadyRunningLine;

function parseJsonLine<T>(line: string, key: string, schema: z.ZodType<T>): T | undefined {
  const text = line.trim();
  // Cheap test first: most lines are logs, and only an object can be an announcement.
  if (!text.startsWith('{') || !text.includes(`"${key}"`)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** The ready announcement in `line`, or undefined when the line is ordinary output. */
export function parseReadyLine(line: string): ReadyLine | undefined {
  return parseJsonLine(line, 'mlwbReady', ReadyLine);
}

/** The "another backend owns this data directory" line, or undefined. */
export function parseAlreadyRunningLine(line: string): AlreadyRunningLine | undefined {
  return parseJsonLine(line, 'mlwbAlreadyRunning', AlreadyRunningLine);
}

export function parseAnnouncement(line: string): Announcement | undefined {
  return parseReadyLine(line) ?? parseAlreadyRunningLine(line);
}

export const isReady = (announcement: Announcement): announcement is ReadyLine => 'mlwbReady' in announcement;
