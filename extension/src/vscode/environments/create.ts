import * as vscode from 'vscode';
import type { Capacity, ImageInfo } from '../../../../backend/src/protocol/index.js';
import {
  buildHint,
  checkName,
  createBody,
  imageChoices,
  parsePackages,
  parseResource,
  queueWarning,
  suggestName,
  type PackageKind,
  type Problem,
  type ResourceKind,
} from '../../environments/createForm.js';
import { formatCpus, formatMiB, plural } from '../../environments/format.js';
import { connected, type EnvironmentUi } from './context.js';
import { followStartup } from './progress.js';

const TITLE = 'Create Environment';

interface Step {
  step: number;
  totalSteps: number;
}

function validation(problem: Problem | undefined): vscode.InputBoxValidationMessage | undefined {
  if (!problem) return undefined;
  const severity = problem.severity === 'error' ? vscode.InputBoxValidationSeverity.Error : vscode.InputBoxValidationSeverity.Warning;
  return { message: problem.message, severity };
}

function ask(step: Step, options: { prompt: string; value: string; placeHolder?: string; validate: (value: string) => Problem | undefined }): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: `${TITLE} (${step.step}/${step.totalSteps})`,
    prompt: options.prompt,
    value: options.value,
    placeHolder: options.placeHolder,
    ignoreFocusOut: true,
    validateInput: (value) => validation(options.validate(value)),
  });
}

async function pickImage(images: ImageInfo[], step: Step): Promise<ImageInfo | undefined> {
  if (!images.length) throw new Error('the backend has no environment images in its catalog');
  for (;;) {
    const picked = await vscode.window.showQuickPick(imageChoices(images), {
      title: `${TITLE} (${step.step}/${step.totalSteps})`,
      placeHolder: 'Choose the base image',
      matchOnDescription: true,
      matchOnDetail: true,
      ignoreFocusOut: true,
    });
    if (!picked || picked.image.built) return picked?.image;
    const again = 'Choose Another Image';
    const choice = await vscode.window.showWarningMessage(`Image "${picked.image.name}" cannot be used yet.`, { modal: true, detail: buildHint(picked.image) }, again);
    if (choice !== again) return undefined;
  }
}

const RESOURCE_PROMPTS: Record<ResourceKind, (capacity: Capacity | undefined) => string> = {
  cpus: (c) => `CPUs (may be fractional, e.g. 0.5)${c ? `; this host has ${formatCpus(c.cpus)}, ${formatCpus(c.cpus - c.used.cpus)} free` : ''}`,
  memoryMiB: (c) => `Memory in MiB (or with a unit: 8g)${c ? `; this host has ${formatMiB(c.memoryMiB)}, ${formatMiB(c.memoryMiB - c.used.memoryMiB)} free` : ''}`,
  gpus: (c) => `GPUs${c ? `; this host has ${plural(c.gpus, 'GPU')}, ${c.gpus - c.used.gpus} free` : ''}`,
};

async function askResource(step: Step, kind: ResourceKind, fallback: number, capacity: Capacity | undefined): Promise<number | undefined> {
  const text = await ask(step, {
    prompt: RESOURCE_PROMPTS[kind](capacity),
    value: String(fallback),
    validate: (value) => {
      const parsed = parseResource(value, kind, capacity);
      return parsed.ok ? queueWarning(parsed.value, kind, capacity) : parsed.problem;
    },
  });
  if (text === undefined) return undefined;
  const parsed = parseResource(text, kind, capacity);
  return parsed.ok ? parsed.value : undefined;
}

const PACKAGE_PROMPTS: Record<PackageKind, [string, string]> = {
  apt: ['Extra Debian (apt) packages, separated by commas or spaces; empty for none', 'libgomp1, curl=7.88.1-10'],
  pip: ['Extra Python (pip) requirements, separated by commas or spaces; empty for none', 'requests, torch>=2,<3'],
};

async function askPackages(step: Step, kind: PackageKind): Promise<string[] | undefined> {
  const [prompt, placeHolder] = PACKAGE_PROMPTS[kind];
  const text = await ask(step, {
    prompt,
    placeHolder,
    value: '',
    validate: (value) => {
      const parsed = parsePackages(value, kind);
      return parsed.ok ? undefined : parsed.problem;
    },
  });
  if (text === undefined) return undefined;
  const parsed = parsePackages(text, kind);
  return parsed.ok ? parsed.value : undefined;
}

/**
 * Create Environment…: image, name, CPUs, memory, GPUs (asked only where there are any), apt and pip
 * packages, each checked as typed with the protocol's schemas; then create it, follow its log and
 * start it with a progress notification. Escape at any step cancels.
 */
export async function createEnvironment(ui: EnvironmentUi): Promise<void> {
  const { api } = connected(ui.link);
  const [images, capacity] = await Promise.all([api.call('listImages'), api.call('capacity').catch(() => undefined)]);
  const askGpus = !capacity || capacity.gpus > 0;
  const totalSteps = askGpus ? 7 : 6;
  let n = 0;
  const next = (): Step => ({ step: ++n, totalSteps });

  const image = await pickImage(images.items, next());
  if (!image) return;
  const taken = ui.model.items.map((e) => e.name);
  const name = await ask(next(), {
    prompt: 'Name: lowercase letters, digits and dashes, starting with a letter',
    value: suggestName(image.name, taken),
    validate: (value) => checkName(value, taken),
  });
  if (name === undefined) return;
  const defaults = image.defaultResources;
  const cpus = await askResource(next(), 'cpus', defaults.cpus, capacity);
  if (cpus === undefined) return;
  const memoryMiB = await askResource(next(), 'memoryMiB', defaults.memoryMiB, capacity);
  if (memoryMiB === undefined) return;
  const gpus = askGpus ? await askResource(next(), 'gpus', defaults.gpus, capacity) : 0;
  if (gpus === undefined) return;
  const apt = await askPackages(next(), 'apt');
  if (apt === undefined) return;
  const pip = await askPackages(next(), 'pip');
  if (pip === undefined) return;

  const body = createBody({ name: name.trim(), image: image.name, cpus, memoryMiB, gpus, apt, pip }, false);
  const created = await api.call('createEnvironment', { body });
  ui.model.upsert(created);
  // Follow the log before the build begins, so the notification and the channel see all of it.
  ui.logs.show(created, false);
  const started = await api.call('startEnvironment', { params: { id: created.id } });
  await followStartup(ui, started, 'Creating');
}
