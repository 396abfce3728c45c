import * as vscode from 'vscode';
import { ResourceList } from './resourceList.js';
import { ResourceTreeProvider } from './resourceTree.js';
import { VIEW_IDS, type ViewId } from './viewIds.js';

export type ViewLists = Record<ViewId, ResourceList>;

/** Creates the five resource views; each starts empty, showing its welcome text from package.json. */
export function registerViews(subscriptions: { dispose(): unknown }[]): ViewLists {
  const lists = {} as ViewLists;
  for (const id of VIEW_IDS) {
    const list = new ResourceList();
    const provider = new ResourceTreeProvider(list);
    subscriptions.push(provider, vscode.window.createTreeView(id, { treeDataProvider: provider }));
    lists[id] = list;
  }
  return lists;
}
