import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobOutput } from '../../../../extension/src/jobs/output.js';
import { jobProblem, JobProblems } from '../../../../extension/src/jobs/problems.js';
import { job } from './builders.js';

const FIXTURES = path.join(__dirname, 'fixtures', 'tracebacks');
const ENV_ROOT = '/home/mlwb/work/proj';
const outputOf = (lines: [string, 'stdout' | 'stderr'][]): JobOutput => {
  const output = new JobOutput();
  for (const [text, stream] of lines) output.add({ stream, text });
  return output;
};

describe('jobProblem', () => {
  const traceback = readFileSync(path.join(FIXTURES, 'py311-simple.txt'), 'utf8').trimEnd().split('\n');
  const failed = job({ state: 'failed', exitCode: 1, workspaceRoot: ENV_ROOT, cwd: ENV_ROOT });

  it('finds the traceback on stderr even with stdout lines printed in between', () => {
    const lines: [string, 'stdout' | 'stderr'][] = traceback.map((t) => [t, 'stderr']);
    lines.splice(2, 0, ['epoch 3 done', 'stdout']);
    const problem = jobProblem(failed, outputOf(lines), '/local/proj', path.posix);
    expect(problem).toMatchObject({ file: '/local/proj/pkg/mod.py', line: 2, message: 'ZeroDivisionError: division by zero' });
  });

  it('reads stdout when the driver merged the streams, and ignores the backend\'s own lines', () => {
    const output = outputOf(traceback.map((t) => [t, 'stdout']));
    output.add({ stream: 'system', text: 'Traceback (most recent call last):' });
    expect(jobProblem(failed, output, 'C:\\ws', path.win32)?.file).toBe('C:\\ws\\pkg\\mod.py');
  });

  it('has none for a job that did not fail or has no workspace root', () => {
    const output = outputOf(traceback.map((t) => [t, 'stderr']));
    expect(jobProblem({ ...failed, state: 'succeeded' }, output, '/l')).toBeUndefined();
    expect(jobProblem({ ...failed, workspaceRoot: null }, output, '/l')).toBeUndefined();
  });
});

describe('JobProblems', () => {
  const problem = { file: '/w/a.py', line: 3, message: 'ValueError: x', exceptionType: 'ValueError', related: [] };

  it('keeps a failed job\'s problem until the same file runs again', () => {
    const problems = new JobProblems();
    problems.started('job_1', '/w/a.py');
    problems.ended('job_1', problem);
    problems.started('job_2', '/w/b.py');
    problems.ended('job_2', { ...problem, file: '/w/b.py' });
    expect(problems.all.map((p) => p.jobId)).toEqual(['job_1', 'job_2']);
    problems.started('job_3', '/w/a.py');
    expect(problems.all.map((p) => p.jobId)).toEqual(['job_2']);
  });

  it('clears a job\'s problem when it ends without one (a rerun of it succeeded)', () => {
    const problems = new JobProblems();
    let changes = 0;
    problems.onDidChange(() => (changes += 1));
    problems.ended('job_1', problem);
    problems.ended('job_1', undefined);
    expect(problems.all).toEqual([]);
    expect(changes).toBe(2);
  });
});
