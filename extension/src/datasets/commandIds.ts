/** The dataset commands, as contributed in package.json (a unit test keeps the two in step). */
export const DATASET_COMMANDS = {
  add: 'mlwb.dataset.add',
  refresh: 'mlwb.dataset.refresh',
  showProfile: 'mlwb.dataset.showProfile',
  diff: 'mlwb.dataset.diff',
  checkout: 'mlwb.dataset.checkout',
  restore: 'mlwb.dataset.restore',
  deleteVersion: 'mlwb.dataset.deleteVersion',
  copyRef: 'mlwb.dataset.copyRef',
} as const;
