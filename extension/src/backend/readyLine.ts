import type { z } from 'zod';
import { AlreadyRunningLine, ReadyLine } from '../../../backend/src/protocol/index.js';

export { AlreadyRunningLine, ReadyLine };

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
