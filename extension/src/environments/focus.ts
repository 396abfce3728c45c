/** What put an environment in focus: the notebook whose kernel runs there, or a job shown in a terminal. */
export type FocusSource = 'notebook' | 'job';

/**
 * The environment the user is working in right now, as the editor sees it: the environment of the
 * active notebook's kernel, or of the job whose terminal is active. The most recent claim wins;
 * withdrawing it falls back to the previous one still standing. The resource monitor follows it.
 */
export class EnvironmentFocus {
  /** Claims, oldest first. */
  private claims: { source: FocusSource; envId: string }[] = [];
  private readonly listeners = new Set<(envId: string | undefined) => void>();

  get current(): string | undefined {
    return this.claims.at(-1)?.envId;
  }

  /** `source` now works in `envId` (undefined: it works in none). */
  set(source: FocusSource, envId: string | undefined): void {
    const before = this.current;
    this.claims = this.claims.filter((c) => c.source !== source);
    if (envId) this.claims.push({ source, envId });
    if (this.current !== before) this.listeners.forEach((fn) => fn(this.current));
  }

  onDidChange(fn: (envId: string | undefined) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
