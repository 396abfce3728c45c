import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DriverError, type ImageRequest } from '../driver.js';
import type { EnvLayout } from './layout.js';
import type { ToolRunner } from './process.js';
import { checkScript, imageRef, pipInstallArgs, REQUIRED_MODULES, toolEnv, venvArgs } from './spec.js';

/** `venv/mlwb-venv.json`: what the venv was made from, so an unchanged request reuses it. */
const VenvMarker = z.object({ python: z.string(), requirements: z.array(z.string()), imageRef: z.string() });
type VenvMarker = z.infer<typeof VenvMarker>;

const markerFile = (layout: EnvLayout): string => path.join(layout.venv, 'mlwb-venv.json');

export function readVenvMarker(layout: EnvLayout): VenvMarker | undefined {
  try {
    return VenvMarker.parse(JSON.parse(readFileSync(markerFile(layout), 'utf8')));
  } catch {
    return undefined;
  }
}

const sameSet = (a: string[], b: string[]): boolean => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const TAIL = 20;

export interface VenvContext {
  layout: EnvLayout;
  /** The base interpreter (Debian's /usr/bin/python3 by default). */
  python: string;
  run: ToolRunner;
  parentEnv: NodeJS.ProcessEnv;
  progress: (line: string) => void;
  signal: AbortSignal;
}

/**
 * The local "image": a venv on the host's Python that sees its system packages (Debian's numpy,
 * pandas, scikit-learn, Jupyter), plus the request's pip packages. Returns `local:<version>[+<hash>]`.
 */
export async function prepareVenv(ctx: VenvContext, request: ImageRequest): Promise<string> {
  const { layout, progress } = ctx;
  if (request.packages.apt.length) {
    throw new DriverError(
      `the local driver cannot install system packages (${request.packages.apt.join(', ')}): install them on the host, or use the Docker or Kubernetes driver`,
      'user',
    );
  }
  const requirements = [...request.packages.pip].sort();
  mkdirSync(layout.home, { recursive: true });
  const marker = readVenvMarker(layout);
  if (marker && marker.python === ctx.python && sameSet(marker.requirements, requirements)) {
    progress(`reusing the virtual environment (${marker.imageRef})`);
    await checkModules(ctx);
    return marker.imageRef;
  }
  if (marker) progress('the packages changed: recreating the virtual environment');
  rmSync(layout.venv, { recursive: true, force: true });
  progress(`creating a virtual environment on ${ctx.python} (with its system site packages)`);
  await runChecked(ctx, ctx.python, venvArgs(layout.venv), (code, tail) => {
    const hint = tail.some((l) => /ensurepip|venv/.test(l)) ? ' (on Debian and Ubuntu: apt-get install python3-venv)' : '';
    return `could not create a virtual environment with ${ctx.python}: exit code ${code}${hint}\n${tail.join('\n')}`;
  });
  if (requirements.length) {
    progress(`pip install ${requirements.join(' ')}`);
    await runChecked(ctx, layout.python, pipInstallArgs(requirements), (code, tail) => `package install failed: pip exited with code ${code}\n${tail.join('\n')}`);
  }
  const version = await checkModules(ctx);
  const ref = imageRef(version, requirements);
  writeFileSync(markerFile(layout), JSON.stringify({ python: ctx.python, requirements, imageRef: ref }) + '\n');
  return ref;
}

/** Runs a helper, streaming its lines as progress; a non-zero exit is the user's problem, with the last lines. */
async function runChecked(ctx: VenvContext, file: string, args: string[], failure: (code: number | null, tail: string[]) => string): Promise<void> {
  const tail: string[] = [];
  const code = await runTool(ctx, file, args, (line) => {
    tail.push(line);
    if (tail.length > TAIL) tail.shift();
    ctx.progress(line);
  });
  if (code !== 0) throw new DriverError(failure(code, tail), 'user');
}

async function runTool(ctx: VenvContext, file: string, args: string[], onLine: (line: string) => void): Promise<number | null> {
  try {
    return await ctx.run({ file, args, cwd: ctx.layout.dir, env: toolEnv(ctx.layout, ctx.parentEnv) }, onLine, ctx.signal);
  } catch (err) {
    if (ctx.signal.aborted) throw new DriverError('cancelled', 'engine', { cause: err });
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DriverError(missing ? `${file} was not found: install Python 3 or set the local driver's python` : `${file}: ${(err as Error).message}`, missing ? 'user' : 'engine', { cause: err });
  }
}

/** The venv's Python version, once jupyter_server and ipykernel are known to import. */
async function checkModules(ctx: VenvContext): Promise<string> {
  const lines: string[] = [];
  const code = await runTool(ctx, ctx.layout.python, ['-c', checkScript()], (line) => lines.push(line));
  const [version, ...missing] = lines.filter((l) => l.trim());
  if (code !== 0 || !version) throw new DriverError(`${ctx.layout.python} failed (exit code ${code}): ${lines.slice(-TAIL).join('\n')}`, 'engine');
  if (missing.length) {
    const debs = missing.map((m) => REQUIRED_MODULES[m as keyof typeof REQUIRED_MODULES] ?? m);
    throw new DriverError(
      `${missing.join(' and ')} cannot be imported by ${ctx.python}: on Debian and Ubuntu, apt-get install ${debs.join(' ')} (or pip install ${missing.join(' ')} for that Python)`,
      'user',
    );
  }
  return version.trim();
}
