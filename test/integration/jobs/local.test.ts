import { skip } from '../runtime/local/jupyter-python.js';
import { jobsSuite } from './suite.js';

jobsSuite('local', skip);
