import { skip } from '../runtime/local/jupyter-python.js';
import { describeSync } from './suite.js';

describeSync('local', skip);
