import type * as vscode from 'vscode';
import type { ApiClient } from '../../../../backend/src/client/index.js';
import type { BackendLink } from '../../backend/link.js';
import type { EnvironmentFocus } from '../../environments/focus.js';
import type { EnvironmentsModel } from '../../environments/model.js';
import type { JobsModel } from '../../jobs/model.js';
import type { JobProblems } from '../../jobs/problems.js';
import type { JobTerminals } from './terminals.js';

/** Where a job run from this window came from: rerunning it syncs that folder again first. */
export interface JobOrigin {
  folder: vscode.WorkspaceFolder;
  /** The local file it ran. */
  script: string;
}

/** What the job commands share. */
export interface JobsUi {
  link: BackendLink;
  /** The connected backend's full client (a sync streams uploads with its URL, token and CA). */
  client(): ApiClient | undefined;
  environments: EnvironmentsModel;
  jobs: JobsModel;
  focus: EnvironmentFocus;
  problems: JobProblems;
  terminals: JobTerminals;
  origins: Map<string, JobOrigin>;
}

/** The id in a command argument: a job row from a menu, or an id from a row's click or another command. */
export function jobIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'id' in arg && typeof arg.id === 'string') return arg.id;
  return undefined;
}
