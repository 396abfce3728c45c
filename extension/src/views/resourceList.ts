/** One row of a resource view (an environment, a dataset, a run, …). */
export interface ResourceItem {
  id: string;
  label: string;
  description?: string;
  /** Plain text, or Markdown (codicons like `$(error)` allowed). */
  tooltip?: string | { markdown: string };
  /** A codicon name, e.g. `vm` or `database`. */
  icon?: string;
  /** A theme color id for the icon, e.g. `charts.green`. */
  iconColor?: string;
  /** Runs on click. */
  command?: { command: string; title: string; arguments?: unknown[] };
  /** Drives which context-menu commands apply (`when: viewItem == …`). */
  contextValue?: string;
}

/**
 * What a resource view shows, free of the editor API so it can be tested and filled by the features
 * that own each kind of resource. Empty until a feature fills it; the view then shows its welcome text.
 *
 * Listeners hear only of changes a user could see: an event that repeats what a command already
 * applied, or a timer redrawing unchanged relative times, would otherwise re-render the tree, and a
 * re-render closes a context menu the user has open on it.
 */
export class ResourceList {
  private current: readonly ResourceItem[] = [];
  private children: ((item: ResourceItem) => readonly ResourceItem[]) | undefined;
  private readonly listeners = new Set<() => void>();
  /** What was shown when listeners last heard: the rows and their children, serialized. */
  private shown = this.snapshot();

  get items(): readonly ResourceItem[] {
    return this.current;
  }

  /** The rows under `item` (none unless a feature gives rows children). */
  childrenOf(item: ResourceItem): readonly ResourceItem[] {
    return this.children?.(item) ?? [];
  }

  /**
   * Lets another feature put rows under this list's rows (jobs under environments) without
   * owning the rows themselves; call `childrenChanged` when they change.
   */
  setChildren(fn: ((item: ResourceItem) => readonly ResourceItem[]) | undefined): void {
    this.children = fn;
    this.childrenChanged();
  }

  childrenChanged(): void {
    this.fireIfChanged();
  }

  replace(items: readonly ResourceItem[]): void {
    this.current = items;
    this.fireIfChanged();
  }

  onDidChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private snapshot(): string {
    const rows = (items: readonly ResourceItem[]): unknown[] => items.map((item) => [item, rows(this.childrenOf(item))]);
    return JSON.stringify(rows(this.current));
  }

  private fireIfChanged(): void {
    const next = this.snapshot();
    if (next === this.shown) return;
    this.shown = next;
    this.listeners.forEach((fn) => fn());
  }
}
