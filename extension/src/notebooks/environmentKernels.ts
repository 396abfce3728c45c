import { KernelSession, type KernelSessionOptions } from './kernelSession.js';

/** How to reach an environment's Jupyter server and ask about it; the same for all its notebooks. */
export type EnvironmentTarget = Omit<KernelSessionOptions, NotebookPlace>;

/** What differs between an environment's notebooks: where each kernel starts, and what runs before. */
type NotebookPlace = 'path' | 'beforeStart';

/**
 * The kernels of one environment, one per notebook (keyed by the notebook's URI), created on the
 * notebook's first execution and shut down when the notebook closes or picks another kernel.
 */
export class EnvironmentKernels {
  private readonly sessions = new Map<string, KernelSession>();

  constructor(
    private readonly target: EnvironmentTarget,
    private readonly create: (options: KernelSessionOptions) => KernelSession = (options) => new KernelSession(options),
  ) {}

  /** The notebook's kernel; `place` is used when it is created. */
  sessionFor(notebook: string, place: Pick<KernelSessionOptions, NotebookPlace>): KernelSession {
    let session = this.sessions.get(notebook);
    if (!session) {
      session = this.create({ ...this.target, ...place });
      this.sessions.set(notebook, session);
    }
    return session;
  }

  /** The notebook's kernel if it has one already. */
  existing(notebook: string): KernelSession | undefined {
    return this.sessions.get(notebook);
  }

  /** Shuts the notebook's kernel down; errors are the caller's to log. */
  async close(notebook: string): Promise<void> {
    const session = this.sessions.get(notebook);
    this.sessions.delete(notebook);
    await session?.shutdown();
  }

  /** The environment stopped: every running cell ends with a message saying so; nothing is left to shut down. */
  environmentStopped(): void {
    for (const session of this.sessions.values()) session.environmentStopped();
    this.sessions.clear();
  }

  /** Shuts every kernel down (the extension deactivates, or the backend changed). */
  async dispose(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(sessions.map((s) => s.shutdown()));
  }
}
