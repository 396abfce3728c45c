import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { defaultPython } from '../../../../backend/src/runtime/local/spec.js';

/** The interpreter the local driver picks by default, and why its suites must skip when it cannot serve Jupyter. */
export const python = defaultPython(existsSync);

function skipReason(): string | undefined {
  const venv = spawnSync(python, ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
  if (venv.error) return `${python} is not there (${venv.error.message})`;
  if (venv.status !== 0) return `${python} cannot make venvs: apt-get install python3-venv`;
  const modules = spawnSync(python, ['-c', 'import jupyter_server, ipykernel'], { encoding: 'utf8' });
  if (modules.status !== 0) return `jupyter_server and ipykernel do not import in ${python}: apt-get install python3-jupyter-server python3-ipykernel`;
  return undefined;
}

export const skip = skipReason();
if (skip) console.warn(`[local driver] skipped: ${skip}`);
