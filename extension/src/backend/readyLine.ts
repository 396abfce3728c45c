import { z } from 'zod';

/**
 * The one stdout line `mlwb server --ready-json` prints once it listens, e.g.
 * `{"mlwbReady":true,"url":"http://127.0.0.1:41234","version":"0.1.0"}`. Every other line is log output.
 */
export const ReadyLine = z.object({
  mlwbReady: z.literal(true),
  url: z.url({ protocol: /^https?$/ }),
  version: z.string().min(1),
});
export type ReadyLine = z.infer<typeof ReadyLine>;

/** The ready announcement in `line`, or undefined when the line is ordinary output. */
export function parseReadyLine(line: string): ReadyLine | undefined {
  const text = line.trim();
  // Cheap test first: most lines are logs, and only an object can be the announcement.
  if (!text.startsWith('{') || !text.includes('"mlwbReady"')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = ReadyLine.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
