import type { Environment, EnvironmentStats } from '../../../backend/src/protocol/index.js';
import { errorText } from './format.js';
import { Poller, type PollResult } from './poller.js';
import { chooseActive, formatStats, pendingStats, type StatsView } from './stats.js';

/** The backend has no stats event yet: figures are polled this often while they are shown. */
export const STATS_INTERVAL_MS = 3_000;

export interface MonitorDeps {
  /** The environments now (the model's items). */
  environments(): readonly Environment[];
  onDidChangeEnvironments(fn: () => void): () => void;
  /** Undefined while no backend is connected. */
  fetchStats(id: string): Promise<EnvironmentStats>;
  /** The environment the user chose to watch (the workspace's memory). */
  remembered: { get(): string | undefined; set(id: string): void };
  /** The environment the editor works in (`EnvironmentFocus`): watched over the remembered one while it runs. */
  focus?: { readonly current: string | undefined; onDidChange(fn: (envId: string | undefined) => void): () => void };
  intervalMs?: number;
}

/** What the status-bar item shows; `hidden` while nothing runs. */
export type MonitorView = { hidden: true } | ({ hidden: false; envId: string } & StatsView);

/**
 * The resource monitor: watches the active environment and polls its figures only while the window
 * is focused and something runs. The active one is, in this order: the one the user just selected
 * (until the editor's focus moves), the one the editor works in (the active notebook's or job's),
 * the remembered choice, the first running one.
 */
export class ResourceMonitor {
  private active: Environment | undefined;
  private focused: boolean;
  private latest: PollResult<EnvironmentStats> | undefined;
  private lastGood: EnvironmentStats | undefined;
  private readonly poller: Poller<EnvironmentStats>;
  private readonly listeners = new Set<(view: MonitorView) => void>();
  private readonly offEnvs: () => void;
  private readonly offFocus: () => void;
  /** A selection made while the editor's focus named another environment wins until the focus moves. */
  private selected: string | undefined;

  constructor(
    private readonly deps: MonitorDeps,
    focused: boolean,
  ) {
    this.focused = focused;
    this.poller = new Poller(
      () => deps.fetchStats(this.active!.id),
      (result) => {
        this.latest = result;
        if (result.ok) this.lastGood = result.value;
        this.fire();
      },
      deps.intervalMs ?? STATS_INTERVAL_MS,
    );
    this.offEnvs = deps.onDidChangeEnvironments(() => this.update());
    this.offFocus =
      deps.focus?.onDidChange(() => {
        this.selected = undefined;
        this.update();
      }) ?? (() => undefined);
    this.update();
  }

  get view(): MonitorView {
    const env = this.active;
    if (!env) return { hidden: true };
    const problem = this.latest && !this.latest.ok ? errorText(this.latest.error) : undefined;
    let shown: StatsView;
    if (!this.lastGood) {
      shown = pendingStats(env.name, problem);
    } else {
      // A failed poll keeps the last figures on show, saying why they are not newer.
      shown = formatStats(env.name, this.lastGood);
      if (problem) shown = { ...shown, tooltip: `${shown.tooltip}\nNo newer figures: ${problem}` };
    }
    return { hidden: false, envId: env.id, ...shown };
  }

  /** The running environments, to choose from. */
  get running(): Environment[] {
    return this.deps.environments().filter((e) => e.state === 'running');
  }

  get polling(): boolean {
    return this.poller.running;
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
    this.update();
  }

  /** The user chose `id` to watch: remembered, and watched whenever it runs. */
  select(id: string): void {
    this.deps.remembered.set(id);
    this.selected = id;
    this.update();
  }

  onDidChange(fn: (view: MonitorView) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  dispose(): void {
    this.offEnvs();
    this.offFocus();
    this.poller.dispose();
    this.listeners.clear();
  }

  private update(): void {
    const next = chooseActive(this.running, this.preferred());
    const switched = next?.id !== this.active?.id;
    this.active = next;
    if (switched) {
      this.latest = undefined;
      this.lastGood = undefined;
      this.poller.stop();
    }
    if (next && this.focused) this.poller.start();
    else this.poller.stop();
    this.fire();
  }

  /** The environment to watch if it runs (chooseActive falls back to the first running one). */
  private preferred(): string | undefined {
    const running = (id: string | undefined): boolean => id !== undefined && this.running.some((e) => e.id === id);
    if (running(this.selected)) return this.selected;
    const focused = this.deps.focus?.current;
    return running(focused) ? focused : this.deps.remembered.get();
  }

  private fire(): void {
    const view = this.view;
    this.listeners.forEach((fn) => fn(view));
  }
}
