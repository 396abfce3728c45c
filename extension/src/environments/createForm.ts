import type { z } from 'zod';
import {
  AptPackage,
  CreateEnvironmentBody,
  EnvName,
  PipRequirement,
  Resources,
  type Capacity,
  type ImageInfo,
} from '../../../backend/src/protocol/index.js';
import { formatCpus, formatMiB, plural } from './format.js';

/** What an input box shows under the field: an error blocks accepting, a warning does not. */
export interface Problem {
  message: string;
  severity: 'error' | 'warning';
}

const error = (message: string): Problem => ({ message, severity: 'error' });

/** The first message zod gives for `value`, or undefined when it is valid. */
function schemaMessage(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : (result.error.issues[0]?.message ?? 'is not valid');
}

/** Checks a name as the backend will (the protocol's EnvName), and against the user's other environments. */
export function checkName(value: string, taken: Iterable<string>): Problem | undefined {
  const name = value.trim();
  if (!name) return error('Enter a name.');
  if (name.length > EnvName.maxLength!) return error(`A name has at most ${EnvName.maxLength} characters.`);
  const message = schemaMessage(EnvName, name);
  if (message) return error(`The name ${message}.`);
  if ([...taken].includes(name)) return error(`An environment named "${name}" already exists.`);
  return undefined;
}

/** `python-cpu-1`, or the next free number: a valid default for the name box. */
export function suggestName(image: string, taken: Iterable<string>): string {
  const names = new Set(taken);
  const stem = image.slice(0, 36).replace(/-+$/, '') || 'env';
  for (let n = 1; ; n += 1) if (!names.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

/**
 * Splits a list typed as "a, b c". A comma inside brackets (`pkg[a,b]`) or before a version operator
 * (`torch>=2,<3`) belongs to the requirement, and spaces around operators are dropped (`torch >= 2`).
 */
export function splitList(text: string): string[] {
  const normalized = text.replace(/\s*(==|>=|<=|~=|!=|<|>)\s*/g, '$1').replace(/,\s+(?=[<>=!~])/g, ',');
  const items: string[] = [];
  let current = '';
  let depth = 0;
  for (let i = 0; i < normalized.length; i += 1) {
    const ch = normalized[i]!;
    if (ch === '[') depth += 1;
    if (ch === ']') depth = Math.max(0, depth - 1);
    const separator = depth === 0 && (/\s/.test(ch) || (ch === ',' && !/[<>=!~]/.test(normalized[i + 1] ?? '')));
    if (!separator) {
      current += ch;
    } else if (current) {
      items.push(current);
      current = '';
    }
  }
  if (current) items.push(current);
  return [...new Set(items)];
}

export type PackageKind = 'apt' | 'pip';

const PACKAGE_SCHEMAS: Record<PackageKind, z.ZodType> = { apt: AptPackage, pip: PipRequirement };

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/** Parses a package list; the first invalid entry is named with the protocol's own message. */
export function parsePackages(text: string, kind: PackageKind): Parsed<string[]> {
  const items = splitList(text);
  for (const item of items) {
    const message = schemaMessage(PACKAGE_SCHEMAS[kind], item);
    if (message) return { ok: false, problem: error(`"${item}" ${message}.`) };
  }
  return { ok: true, value: items };
}

export type ResourceKind = keyof Resources;

const RESOURCE_WORDS: Record<ResourceKind, (n: number) => string> = { cpus: formatCpus, memoryMiB: formatMiB, gpus: (n) => plural(n, 'GPU') };

/** `4096`, `4096 MiB`, `4g`, `4 GiB`, `0.5 GiB` → MiB. */
function parseMemory(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(m|mi|mib|mb|g|gi|gib|gb)?$/i.exec(text);
  if (!match) return NaN;
  const amount = Number(match[1]);
  return /^g/i.test(match[2] ?? '') ? Math.round(amount * 1024) : amount;
}

/**
 * Parses a CPU, memory (MiB) or GPU count as the protocol bounds it. More than the host has is an
 * error (the backend refuses what can never fit); more than is free now is a warning (it will queue).
 */
export function parseResource(text: string, kind: ResourceKind, capacity?: Capacity): Parsed<number> {
  const trimmed = text.trim();
  const value = kind === 'memoryMiB' ? parseMemory(trimmed) : trimmed ? Number(trimmed) : NaN;
  if (Number.isNaN(value)) return { ok: false, problem: error(kind === 'memoryMiB' ? 'Enter MiB, like 4096 (or 4g).' : 'Enter a number.') };
  const message = schemaMessage(Resources.shape[kind], value);
  if (message) return { ok: false, problem: error(message) };
  if (!capacity) return { ok: true, value };
  const words = RESOURCE_WORDS[kind];
  if (value > capacity[kind]) return { ok: false, problem: error(`This backend's host has ${words(capacity[kind])} in all.`) };
  return { ok: true, value };
}

/** A warning when `value` is more than is free now: the environment will wait in the queue. */
export function queueWarning(value: number, kind: ResourceKind, capacity?: Capacity): Problem | undefined {
  if (!capacity) return undefined;
  const free = capacity[kind] - capacity.used[kind];
  if (value <= free) return undefined;
  return { message: `Only ${RESOURCE_WORDS[kind](Math.max(0, free))} free now: it will wait in the queue until enough is.`, severity: 'warning' };
}

/** How an image is offered in the picker. */
export interface ImageChoice {
  image: ImageInfo;
  label: string;
  description: string;
  detail: string;
}

/** How to get an image that is not built on the backend's engine. */
export function buildHint(image: ImageInfo): string {
  const online = image.offline ? '' : ` --allow-online (${image.offlineNote ?? 'needs an image registry and PyPI'})`;
  return `Not built on this backend's engine: build it on the backend's machine with "devcontainer-images/build.sh${online} ${image.name}".`;
}

/** Built images first, then by name; an unbuilt one says how to build it. */
export function imageChoices(images: ImageInfo[]): ImageChoice[] {
  return [...images]
    .sort((a, b) => Number(b.built) - Number(a.built) || a.name.localeCompare(b.name))
    .map((image) => {
      const { cpus, memoryMiB, gpus } = image.defaultResources;
      const defaults = [formatCpus(cpus), formatMiB(memoryMiB), ...(gpus ? [plural(gpus, 'GPU')] : [])].join(', ');
      return {
        image,
        label: `${image.built ? '$(package)' : '$(warning)'} ${image.name}`,
        description: `${image.version} · Python ${image.python} · ${image.accelerator}${image.built ? '' : ' · not built'}`,
        detail: image.built ? `${image.description} Defaults: ${defaults}.` : `${image.description} ${buildHint(image)}`,
      };
    });
}

export interface CreateForm {
  name: string;
  image: string;
  cpus: number;
  memoryMiB: number;
  gpus: number;
  apt: string[];
  pip: string[];
}

/**
 * The request body, checked with the protocol's schema before it leaves (a mistake here is ours,
 * not the user's). `start: false` lets the caller follow the log before the build begins.
 */
export function createBody(form: CreateForm, start = true): CreateEnvironmentBody {
  const body: CreateEnvironmentBody = {
    name: form.name,
    image: form.image,
    packages: { apt: form.apt, pip: form.pip },
    cpus: form.cpus,
    memoryMiB: form.memoryMiB,
    gpus: form.gpus,
    start,
  };
  CreateEnvironmentBody.parse(body);
  return body;
}
