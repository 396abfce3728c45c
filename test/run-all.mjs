// `npm test`: sets up the machine (test/setup/setup.sh), builds, runs every suite and prints
// one summary. Exit code 1 when setup, the build or any suite failed. A suite whose tools could
// not be installed (no root) is skipped, and the summary says why.
//   SKIP_SETUP=1 npm test   skip test/setup/setup.sh (the machine is known to be ready)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingTools } from './e2e/harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ESLINT_CONFIGS = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts'];
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'); // colour codes, stripped before parsing

/** Runs a command with its output streamed through; resolves with exit code, output and seconds. */
function run(command, args) {
  const t = performance.now();
  return new Promise((resolve) => {
    const env = { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}) };
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const pass = (stream) => (chunk) => { stream.write(chunk); output = (output + chunk).slice(-200_000); };
    child.stdout.on('data', pass(process.stdout));
    child.stderr.on('data', pass(process.stderr));
    const done = (code) => resolve({ code, output: output.replace(ANSI, ''), seconds: (performance.now() - t) / 1000 });
    child.on('error', (err) => { output += String(err); done(127); });
    child.on('close', (code) => done(code ?? 1));
  });
}

const lines = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/** One line that sums up a runner's output. */
function summarize(name, { code, output }) {
  const all = lines(output);
  const last = (re) => all.filter((l) => re.test(l)).at(-1);
  switch (name) {
    case 'typecheck': {
      const errors = all.filter((l) => /error TS\d+/.test(l)).length;
      return code === 0 ? 'no type errors' : `${errors} type error(s)`;
    }
    case 'lint':
      return last(/✖ \d+ problems?/) ?? (code === 0 ? 'no problems' : all.at(-1));
    case 'unit':
    case 'integration':
      return [last(/^Test Files\s/), last(/^Tests\s/)].filter(Boolean).join('; ') || last(/No test files found/) || all.at(-1);
    case 'e2e':
      return last(/\d+ passed, \d+ failed/) ?? last(/^error[: ]/i) ?? all.at(-1);
    default:
      return all.at(-1);
  }
}

const t0 = performance.now();
const report = [];
const note = (step, status, detail, seconds) => report.push({ step, status, detail, seconds });
const banner = (text) => console.log(`\n━━━ ${text} ${'━'.repeat(Math.max(0, 70 - text.length))}`);

if (process.env.SKIP_SETUP) {
  note('setup', 'skipped', 'SKIP_SETUP is set');
} else {
  banner('setup (test/setup/setup.sh)');
  const r = await run('bash', ['test/setup/setup.sh']);
  note('setup', r.code === 0 ? 'ok' : 'failed', r.code === 0 ? 'machine ready' : `exit ${r.code}`, r.seconds);
}

banner('build (npm run build)');
const build = await run('npm', ['run', '--silent', 'build']);
note('build', build.code === 0 ? 'ok' : 'failed', build.code === 0 ? 'bundles built' : `exit ${build.code}`, build.seconds);

const hasEslintConfig = ESLINT_CONFIGS.some((f) => existsSync(path.join(ROOT, f)));
const e2eMissing = missingTools();
const suites = [
  { name: 'typecheck', args: ['run', '--silent', 'typecheck'] },
  { name: 'lint', args: ['run', '--silent', 'lint'], skip: hasEslintConfig ? '' : `no ${ESLINT_CONFIGS.join('/')}` },
  // --passWithNoTests: a project with no test files yet is not a failure of the run
  { name: 'unit', args: ['run', '--silent', 'test:unit', '--', '--passWithNoTests'] },
  { name: 'integration', args: ['run', '--silent', 'test:integration', '--', '--passWithNoTests'] },
  { name: 'e2e', args: ['run', '--silent', 'test:e2e'], skip: e2eMissing.length ? `missing ${e2eMissing.join(', ')}` : '' },
];

const results = [];
for (const suite of suites) {
  if (suite.skip) {
    results.push({ name: suite.name, status: 'skipped', detail: suite.skip, seconds: 0 });
    continue;
  }
  banner(`${suite.name} (npm run ${suite.args.slice(2).join(' ')})`);
  const r = await run('npm', suite.args);
  results.push({ name: suite.name, status: r.code === 0 ? 'passed' : 'failed', detail: summarize(suite.name, r), seconds: r.seconds });
}

banner('summary');
for (const s of report) console.log(`  ${s.step.padEnd(12)} ${s.status.padEnd(8)} ${s.detail}${s.seconds ? ` (${s.seconds.toFixed(1)} s)` : ''}`);
for (const r of results) console.log(`  ${r.name.padEnd(12)} ${r.status.padEnd(8)} ${r.detail}${r.seconds ? ` (${r.seconds.toFixed(1)} s)` : ''}`);
const count = (status) => results.filter((r) => r.status === status).length;
const failedSteps = report.filter((s) => s.status === 'failed').map((s) => s.step);
console.log(`\nnpm test: ${results.length} suites, ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`
  + `${failedSteps.length ? `; ${failedSteps.join(' and ')} failed` : ''} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
process.exit(count('failed') || failedSteps.length ? 1 : 0);
