import { describe } from 'vitest';
import { dockerUnavailable } from '../../fixtures/docker.js';
import { notebookCases } from './notebookCases.js';

const skip = await dockerUnavailable('mlwb/python-cpu:0.1.0');

describe.skipIf(skip)(`notebook kernels on Docker${skip ? ` (${skip})` : ''}`, () => {
  notebookCases(['--driver', 'docker'], 'nb-docker');
});
