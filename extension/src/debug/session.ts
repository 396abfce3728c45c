import type { JobState } from '../../../backend/src/protocol/index.js';
import { FINAL_JOB_STATES } from '../../../backend/src/protocol/index.js';

export interface DebugRunDeps {
  /** The job's state as the jobs model knows it now. */
  jobState(): JobState | undefined;
  onJobChange(fn: () => void): () => void;
  cancelJob(): Promise<unknown>;
  /** Ends the debug session in the editor. */
  stopSession(): Promise<unknown>;
  /** Closes the local tunnel. */
  closeTunnel(): Promise<void>;
}

/**
 * One "Debug File in Environment" run: a job under debugpy, the tunnel to it and the editor's debug
 * session. They end together: the job ending stops the session, the session ending (the user
 * pressed Stop, or detached) cancels the job, and either closes the tunnel.
 */
export class DebugRun {
  private readonly ended = new AbortController();
  private readonly offJob: () => void;
  private sessionLive = false;
  private finished = false;

  constructor(private readonly deps: DebugRunDeps) {
    this.offJob = deps.onJobChange(() => this.checkJob());
    this.checkJob();
  }

  /** Aborts when the job ends, with the reason, so waiting for debugpy stops at once. */
  get jobEnded(): AbortSignal {
    return this.ended.signal;
  }

  sessionStarted(): void {
    this.sessionLive = true;
  }

  /** The editor's session ended: a job still queued or running is cancelled. */
  async sessionEnded(): Promise<void> {
    this.sessionLive = false;
    if (!this.jobIsFinal()) await this.deps.cancelJob().catch(() => undefined);
    await this.finish();
  }

  /** The debugger never attached (debugpy never listened, the user cancelled, VS Code refused). */
  async abandon(): Promise<void> {
    await this.sessionEnded();
  }

  private jobIsFinal(): boolean {
    const state = this.deps.jobState();
    return state !== undefined && FINAL_JOB_STATES.includes(state);
  }

  private checkJob(): void {
    if (!this.jobIsFinal() || this.ended.signal.aborted) return;
    this.ended.abort(new Error(`the job ended (${this.deps.jobState()}) before the debugger attached`));
    if (this.sessionLive) void this.deps.stopSession().catch(() => undefined);
    void this.finish();
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.offJob();
    await this.deps.closeTunnel();
  }
}
