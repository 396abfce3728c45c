// `npm run bench:api`: latency and throughput of an authenticated read (GET /api/v1/me) against
// the real backend process, with 10 concurrent keep-alive clients for 10 seconds.
import { Agent, request } from 'undici';
import { startBackend } from '../test/fixtures/backend-process.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const WARMUP_MS = 1000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function client(url: string, token: string, until: number, measureFrom: number, latencies: number[], errors: { count: number }): Promise<void> {
  const agent = new Agent({ connections: 1 });
  const headers = { authorization: `Bearer ${token}` };
  while (Date.now() < until) {
    const start = performance.now();
    try {
      const res = await request(`${url}/api/v1/me`, { headers, dispatcher: agent });
      await res.body.text();
      if (res.statusCode !== 200) errors.count++;
      else if (Date.now() >= measureFrom) latencies.push(performance.now() - start);
    } catch {
      errors.count++;
    }
  }
  await agent.close();
}

async function main(): Promise<void> {
  const backend = await startBackend({ args: ['--log-level', 'silent'] });
  try {
    const latencies: number[] = [];
    const errors = { count: 0 };
    const measureFrom = Date.now() + WARMUP_MS;
    const until = measureFrom + DURATION_MS;
    await Promise.all(Array.from({ length: CONCURRENCY }, () => client(backend.url, backend.token, until, measureFrom, latencies, errors)));
    latencies.sort((a, b) => a - b);
    const round = (n: number): number => Math.round(n * 100) / 100;
    console.log(
      JSON.stringify(
        {
          benchmark: 'api.authenticatedRead',
          route: 'GET /api/v1/me',
          concurrency: CONCURRENCY,
          durationS: DURATION_MS / 1000,
          requests: latencies.length,
          errors: errors.count,
          requestsPerSecond: round(latencies.length / (DURATION_MS / 1000)),
          latencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? NaN) },
          node: process.version,
        },
        null,
        2,
      ),
    );
  } finally {
    await backend.stop();
  }
}

void main();
