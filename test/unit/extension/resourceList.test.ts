import { describe, expect, it } from 'vitest';
import { ResourceList } from '../../../extension/src/views/resourceList.js';

describe('ResourceList', () => {
  it('starts empty and tells listeners when its items are replaced', () => {
    const list = new ResourceList();
    expect(list.items).toEqual([]);
    let changes = 0;
    const off = list.onDidChange(() => (changes += 1));
    list.replace([{ id: 'env_1', label: 'cpu-small' }]);
    off();
    list.replace([]);
    expect(changes).toBe(1);
    expect(list.items).toEqual([]);
  });
});
