import { describe, expect, it } from 'vitest';
import { ResourceList, type ResourceItem } from '../../../extension/src/views/resourceList.js';

function counting(list: ResourceList): { count: () => number; off: () => void } {
  let changes = 0;
  const off = list.onDidChange(() => (changes += 1));
  return { count: () => changes, off };
}

describe('ResourceList', () => {
  it('starts empty and tells listeners when its items are replaced', () => {
    const list = new ResourceList();
    expect(list.items).toEqual([]);
    const heard = counting(list);
    list.replace([{ id: 'env_1', label: 'cpu-small' }]);
    heard.off();
    list.replace([]);
    expect(heard.count()).toBe(1);
    expect(list.items).toEqual([]);
  });

  it('stays quiet when a replace or a children change shows nothing new (a re-render would close an open context menu)', () => {
    const list = new ResourceList();
    const children = new Map<string, ResourceItem[]>([['ds_1', [{ id: 'v_1', label: 'v1', description: 'just now' }]]]);
    list.setChildren((item) => children.get(item.id) ?? []);
    const heard = counting(list);
    list.replace([{ id: 'ds_1', label: 'iris' }]);
    list.replace([{ id: 'ds_1', label: 'iris' }]);
    list.childrenChanged();
    expect(heard.count()).toBe(1);

    children.set('ds_1', [{ id: 'v_1', label: 'v1', description: '1 minute ago' }]);
    list.childrenChanged();
    expect(heard.count()).toBe(2);
    expect(list.childrenOf({ id: 'ds_1', label: 'iris' })[0]?.description).toBe('1 minute ago');
  });

  it('hears of a change two levels down', () => {
    const list = new ResourceList();
    let grandchild = 'running';
    list.setChildren((item) => (item.id === 'env_1' ? [{ id: 'job_1', label: 'train.py' }] : item.id === 'job_1' ? [{ id: 'step', label: grandchild }] : []));
    list.replace([{ id: 'env_1', label: 'cpu-small' }]);
    const heard = counting(list);
    grandchild = 'done';
    list.childrenChanged();
    expect(heard.count()).toBe(1);
  });
});
