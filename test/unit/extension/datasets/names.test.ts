import { describe, expect, it } from 'vitest';
import { datasetNameProblem, defaultDatasetName } from '../../../../extension/src/datasets/names.js';
import { progressText, RateMeter } from '../../../../extension/src/datasets/progress.js';

describe('dataset names', () => {
  it('offers the file name without its extension, as a valid dataset name', () => {
    expect(defaultDatasetName('iris.csv', false)).toBe('iris');
    expect(defaultDatasetName('Iris Data (2024).CSV', false)).toBe('iris-data-2024');
    expect(defaultDatasetName('train.v2.parquet', false)).toBe('train.v2');
    expect(defaultDatasetName('My Images', true)).toBe('my-images');
    expect(defaultDatasetName('.hidden', false)).toBe('hidden');
    expect(defaultDatasetName('___', false)).toBe('dataset');
    expect(defaultDatasetName('con.csv', false)).toBe('dataset');
    expect(defaultDatasetName(`${'a'.repeat(80)}.csv`, false)).toHaveLength(64);
  });

  it('validates a typed name with the protocol\'s rule and says why not', () => {
    expect(datasetNameProblem('iris')).toBeUndefined();
    expect(datasetNameProblem('Iris')).toMatch(/lowercase letters/);
    expect(datasetNameProblem('a..b')).toMatch(/\.\./);
    expect(datasetNameProblem('nul')).toMatch(/reserved device name/);
  });
});

describe('upload progress', () => {
  it('says bytes done of the total, the percentage and the rate', () => {
    expect(progressText(1_258_291, 10_485_760, 3_565_158)).toBe('1.2 MB of 10.0 MB (11%) · 3.4 MB/s');
    expect(progressText(0, 0, undefined)).toBe('0 B of 0 B (100%)');
  });

  it('measures the rate over the last seconds only', () => {
    const meter = new RateMeter();
    meter.add(0, 0);
    expect(meter.rate).toBeUndefined();
    meter.add(1_000_000, 1_000);
    expect(meter.rate).toBe(1_000_000);
    // a stall of 10 s, then 1 MB in the last second: the old fast second is out of the window
    meter.add(1_000_000, 11_000);
    meter.add(2_000_000, 12_000);
    expect(meter.rate).toBe(1_000_000);
  });
});
