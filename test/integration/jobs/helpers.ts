import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStream, type ApiClient } from '../../../backend/src/client/index.js';
import { FINAL_JOB_STATES, type Job, type JobLogLine } from '../../../backend/src/protocol/index.js';
import { CLI } from '../../fixtures/backend-process.js';

/** Waits for the job to end, driven by the `jobs` topic (subscribed before reading the job, so its end cannot fall between). */
export async function waitForJob(client: ApiClient, id: string, timeoutMs = 120_000): Promise<Job> {
  const stream = new EventStream({ url: client.options.url, token: client.options.token!, topics: ['jobs'] });
  try {
    return await new Promise<Job>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`job ${id} did not end within ${timeoutMs / 1000} s`)), timeoutMs);
      const check = (job: Job): void => {
        if (job.id !== id || !FINAL_JOB_STATES.includes(job.state)) return;
        clearTimeout(timer);
        resolve(job);
      };
      stream.on('event', (e) => e.payload.kind === 'resource.changed' && check(e.payload.data as Job));
      stream.on('state', (s) => s === 'open' && void client.call('getJob', { params: { id } }).then(check, reject));
      stream.start();
    });
  } finally {
    stream.close();
  }
}

/** The whole stored log, page by page. */
export async function storedLog(client: ApiClient, id: string): Promise<{ lines: JobLogLine[]; complete: boolean }> {
  const lines: JobLogLine[] = [];
  for (;;) {
    const page = await client.call('jobLog', { params: { id }, query: { from: lines.length + 1, limit: 5000 } });
    lines.push(...page.lines);
    if (page.complete || page.lines.length === 0) return { lines, complete: page.complete };
  }
}

export const stdoutOf = (lines: JobLogLine[]): string[] => lines.filter((l) => l.stream === 'stdout').map((l) => l.text);

/** A Python one-liner that waits until `file` exists in its working directory: the test says when output may start. */
export const waitForFile = (file: string): string => `import os, time\nwhile not os.path.exists(${JSON.stringify(file)}): time.sleep(0.02)\n`;

/** A job that starts a grandchild which leaves its session (as a daemon would), prints its pid and waits. */
export const DAEMONIZING_JOB = [
  'import os, subprocess, sys, time',
  "code = 'import os, time\\nif os.fork(): os._exit(0)\\nos.setsid()\\nprint(\"grandchild\", os.getpid(), flush=True)\\ntime.sleep(600)'",
  "subprocess.Popen([sys.executable, '-c', code]).wait()",
  'time.sleep(600)',
].join('\n');

export interface CliRun {
  child: ChildProcess;
  /** Resolves once stdout has printed something matching. */
  printed(pattern: RegExp): Promise<void>;
  result: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts the real CLI against the backend, in an empty folder (what `mlwb run` syncs) and without a saved login (a fresh HOME). */
export function startCli(args: string[], env: { url: string; token: string }): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'mlwb-cli-project-')),
    env: { ...process.env, MLWB_URL: env.url, MLWB_TOKEN: env.token, HOME: mkdtempSync(join(tmpdir(), 'mlwb-cli-home-')) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString();
    waiters = waiters.filter((w) => (w.pattern.test(stdout) ? (w.resolve(), false) : true));
  });
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return {
    child,
    printed: (pattern) => (pattern.test(stdout) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pattern, resolve }))),
    result: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))),
  };
}

export const runCli = (args: string[], env: { url: string; token: string }): CliRun['result'] => startCli(args, env).result;
