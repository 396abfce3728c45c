import type * as path from 'node:path';
import { lastTraceback, type Frame, type PythonException, type Traceback } from './parse.js';
import { toLocalPath, type PathMapping } from './paths.js';

/** A place in a local workspace file. */
export interface ProblemLocation {
  /** Local file system path. */
  file: string;
  /** 1-based. */
  line: number;
  /** The source line as Python printed it (without indentation): lets the editor find the columns. */
  code?: string;
  /** Offsets into `code` that Python's carets marked, end exclusive. */
  span?: { start: number; end: number };
}

/** What becomes a diagnostic: where the exception struck in the user's code, and what it was. */
export interface TracebackProblem extends ProblemLocation {
  /** `ValueError: bad config` (the exception that ended the program: the last one in the chain). */
  message: string;
  exceptionType: string;
  /** The outer frames in the workspace and the exceptions earlier in the chain, outermost first. */
  related: (ProblemLocation & { message: string })[];
}

/** `Type: message`, or the type alone when there is no message. */
export function describeException(exception: Pick<PythonException, 'type' | 'message'>): string {
  return exception.message ? `${exception.type}: ${exception.message}` : exception.type;
}

function locate(frame: Frame, mapping: PathMapping, local: path.PlatformPath | undefined): ProblemLocation | undefined {
  const file = toLocalPath(frame.file, mapping, local);
  if (!file) return undefined;
  return { file, line: frame.line, ...(frame.code !== undefined ? { code: frame.code } : {}), ...(frame.span ? { span: frame.span } : {}) };
}

/** The frames of `exception` that lie in the workspace, outermost first. */
function workspaceFrames(exception: PythonException, mapping: PathMapping, local?: path.PlatformPath): { frame: Frame; at: ProblemLocation }[] {
  return exception.frames.flatMap((frame) => {
    const at = locate(frame, mapping, local);
    return at ? [{ frame, at }] : [];
  });
}

const LINK_WORDS = { cause: 'the direct cause', context: 'being handled when the error occurred' } as const;

/**
 * The diagnostic for a traceback: at the innermost frame in the workspace of the exception that
 * ended the program (library and standard-library frames are skipped); when that exception has no
 * frame in the workspace, at the innermost one of an earlier exception in the chain. Undefined when
 * no frame maps into the workspace.
 */
export function tracebackProblem(traceback: Traceback, mapping: PathMapping, local?: path.PlatformPath): TracebackProblem | undefined {
  const raised = traceback.exceptions.at(-1);
  if (!raised) return undefined;
  const chain = [...traceback.exceptions].reverse();
  const struck = chain.find((e) => workspaceFrames(e, mapping, local).length > 0);
  if (!struck) return undefined;
  const frames = workspaceFrames(struck, mapping, local);
  const innermost = frames.at(-1)!;
  const related: TracebackProblem['related'] = frames.slice(0, -1).map(({ at }, i) => {
    const callee = frames[i + 1]?.frame.name;
    return { ...at, message: callee ? `called ${callee}` : 'called from here' };
  });
  for (const [index, earlier] of traceback.exceptions.entries()) {
    if (earlier === struck) continue;
    const at = workspaceFrames(earlier, mapping, local).at(-1)?.at;
    const next = traceback.exceptions[index + 1];
    if (at && next?.link) related.push({ ...at, message: `${describeException(earlier)} (${LINK_WORDS[next.link]})` });
  }
  return { ...innermost.at, message: describeException(raised), exceptionType: raised.type, related };
}

/** The problem of the last traceback in a job's or a cell's output, or undefined. */
export function outputProblem(output: string, mapping: PathMapping, local?: path.PlatformPath): TracebackProblem | undefined {
  const traceback = lastTraceback(output);
  return traceback ? tracebackProblem(traceback, mapping, local) : undefined;
}
