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
 */
export class ResourceList {
  private current: readonly ResourceItem[] = [];
  private children: ((item: ResourceItem) => readonly ResourceItem[]) | undefined;
  private readonly listeners = new Set<() => void>();

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
    this.listeners.forEach((fn) => fn());
  }

  replace(items: readonly ResourceItem[]): void {
    this.current = items;
    this.listeners.forEach((fn) => fn());
  }

  onDidChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
