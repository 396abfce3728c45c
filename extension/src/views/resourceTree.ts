import * as vscode from 'vscode';
import type { ResourceItem, ResourceList } from './resourceList.js';

/** A tree view of a ResourceList (rows, and the children a feature gives them): it renders, the list decides what there is. */
export class ResourceTreeProvider implements vscode.TreeDataProvider<ResourceItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly unsubscribe: () => void;

  constructor(private readonly list: ResourceList) {
    this.unsubscribe = list.onDidChange(() => this.changed.fire());
  }

  getChildren(element?: ResourceItem): ResourceItem[] {
    return element ? [...this.list.childrenOf(element)] : [...this.list.items];
  }

  getTreeItem(item: ResourceItem): vscode.TreeItem {
    const collapsible = this.list.childrenOf(item).length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
    const tree = new vscode.TreeItem(item.label, collapsible);
    tree.id = item.id;
    tree.description = item.description;
    tree.tooltip = typeof item.tooltip === 'object' ? new vscode.MarkdownString(item.tooltip.markdown, true) : item.tooltip;
    tree.contextValue = item.contextValue;
    tree.command = item.command;
    if (item.icon) tree.iconPath = new vscode.ThemeIcon(item.icon, item.iconColor ? new vscode.ThemeColor(item.iconColor) : undefined);
    return tree;
  }

  dispose(): void {
    this.unsubscribe();
    this.changed.dispose();
  }
}
