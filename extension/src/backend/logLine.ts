/** Severity of a line in the ML Workbench output channel (the levels of VS Code's LogOutputChannel). */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  level: LogLevel;
  message: string;
}

/** Where extension code writes what it wants the user to be able to read later. */
export interface Logger {
  log(line: LogLine): void;
}

// pino's numeric levels (https://getpino.io/#/docs/api?id=levels): 10 trace … 50 error, 60 fatal.
function pinoLevel(n: number): LogLevel {
  if (n >= 50) return 'error';
  if (n >= 40) return 'warn';
  if (n >= 30) return 'info';
  if (n >= 20) return 'debug';
  return 'trace';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns one line of the backend's output into a log entry. The server logs with pino (Fastify's
 * logger), one JSON object a line; its level is kept so the channel's level filter works. Anything
 * else is shown as is: stdout as info, stderr as a warning (Node writes warnings and crashes there).
 */
export function parseBackendLine(line: string, stream: 'stdout' | 'stderr'): LogLine {
  const fallback: LogLine = { level: stream === 'stderr' ? 'warn' : 'info', message: line };
  if (!line.startsWith('{')) return fallback;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return fallback;
  }
  if (!isRecord(json) || typeof json.level !== 'number' || typeof json.msg !== 'string') return fallback;
  return { level: pinoLevel(json.level), message: describePino(json, json.msg) };
}

/** Fastify's request lines say only "incoming request": the method, URL and status are in the fields. */
function describePino(json: Record<string, unknown>, msg: string): string {
  const parts = typeof json.reqId === 'string' ? [`[${json.reqId}]`, msg] : [msg];
  if (isRecord(json.req) && typeof json.req.method === 'string' && typeof json.req.url === 'string') parts.push(`${json.req.method} ${json.req.url}`);
  if (isRecord(json.res) && typeof json.res.statusCode === 'number') parts.push(`→ ${json.res.statusCode}`);
  if (typeof json.responseTime === 'number') parts.push(`(${Math.round(json.responseTime)} ms)`);
  const stack = isRecord(json.err) && typeof json.err.stack === 'string' ? `\n${json.err.stack}` : '';
  return parts.join(' ') + stack;
}
