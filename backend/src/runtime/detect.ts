import type { Driver } from '../protocol/index.js';

export type ConcreteDriver = Exclude<Driver, 'auto'>;

/**
 * `auto` means docker when a Docker engine answers (DOCKER_HOST or the platform's default socket
 * or named pipe, as dockerode resolves it), else local processes.
 */
export async function resolveDriver(requested: Driver, ping: () => Promise<unknown> = pingDocker): Promise<ConcreteDriver> {
  if (requested !== 'auto') return requested;
  try {
    await withTimeout(ping(), 2000);
    return 'docker';
  } catch {
    return 'local';
  }
}

async function pingDocker(): Promise<unknown> {
  const { default: Docker } = await import('dockerode');
  return new Docker().ping();
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}
