import { describe } from 'vitest';
import { skip } from '../runtime/local/jupyter-python.js';
import { notebookCases } from './notebookCases.js';

describe.skipIf(!!skip)(`notebook kernels on the local driver${skip ? ` (${skip})` : ''}`, () => {
  notebookCases(['--driver', 'local', '--capacity-cpus', '1'], 'nb-local');
});
