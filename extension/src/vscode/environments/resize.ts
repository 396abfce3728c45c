import * as vscode from 'vscode';
import type { Capacity, Environment, Resources } from '../../../../backend/src/protocol/index.js';
import { parseResource, type Problem, type ResourceKind } from '../../environments/createForm.js';
import { formatCpus, formatMiB, plural } from '../../environments/format.js';
import { describeResources, resizeBody, resizedMessage } from '../../environments/resizeForm.js';
import { ACTION_STATES } from '../../environments/rows.js';
import { connected, type EnvironmentUi } from './context.js';
import { targetEnvironment } from './pick.js';

const KINDS: ResourceKind[] = ['cpus', 'memoryMiB', 'gpus'];

const PROMPTS: Record<ResourceKind, (capacity: Capacity | undefined) => string> = {
  cpus: (c) => `CPUs (may be fractional, e.g. 0.5)${c ? `; this host has ${formatCpus(c.cpus)}` : ''}`,
  memoryMiB: (c) => `Memory in MiB (or with a unit: 8g)${c ? `; this host has ${formatMiB(c.memoryMiB)}` : ''}`,
  gpus: (c) => `GPUs${c ? `; this host has ${plural(c.gpus, 'GPU')}` : ''}`,
};

const validation = (problem: Problem | undefined): vscode.InputBoxValidationMessage | undefined =>
  problem && { message: problem.message, severity: problem.severity === 'error' ? vscode.InputBoxValidationSeverity.Error : vscode.InputBoxValidationSeverity.Warning };

/** One figure, prefilled with the current one and checked as the backend will; undefined when cancelled. */
async function askFigure(env: Environment, kind: ResourceKind, index: number, capacity: Capacity | undefined): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: `Change Resources of ${env.name} (${index + 1}/${KINDS.length})`,
    prompt: PROMPTS[kind](capacity),
    value: String(env.resources[kind]),
    ignoreFocusOut: true,
    validateInput: (value) => {
      const parsed = parseResource(value, kind, capacity);
      return validation(parsed.ok ? undefined : parsed.problem);
    },
  });
  if (text === undefined) return undefined;
  const parsed = parseResource(text, kind, capacity);
  return parsed.ok ? parsed.value : undefined;
}

/** ML Workbench: Change Resources… of a queued, stopped or failed environment (used from its next start). */
export async function changeResources(ui: EnvironmentUi, arg: unknown): Promise<void> {
  const states: readonly string[] = ACTION_STATES.changeResources;
  const env = await targetEnvironment(ui.model, arg, ACTION_STATES.changeResources, 'Change Resources');
  if (!env) return;
  if (!states.includes(env.state)) throw new Error(`${env.name} is ${env.state}: stop it first to change its resources`);
  const api = connected(ui.link).api;
  const capacity = await api.call('capacity').catch(() => undefined);
  const next: Resources = { ...env.resources };
  for (const [index, kind] of KINDS.entries()) {
    const value = await askFigure(env, kind, index, capacity);
    if (value === undefined) return;
    next[kind] = value;
  }
  const body = resizeBody(env.resources, next);
  if (!body) {
    void vscode.window.showInformationMessage(`ML Workbench: ${env.name} keeps ${describeResources(env.resources)}.`);
    return;
  }
  const resized = await api.call('resizeEnvironment', { params: { id: env.id }, body });
  ui.model.upsert(resized);
  void vscode.window.showInformationMessage(`ML Workbench: ${resizedMessage(resized.name, resized.state, resized.resources)}`);
}
