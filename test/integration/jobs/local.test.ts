import { skip } from '../runtime/local/jupyter-python.js';
import { jobsSuite } from './suite.js';

// Out-of-memory needs enforced limits (cgroups), which the local driver has only where the host lets it.
jobsSuite('local', skip, { oom: false });
