import type * as vscode from 'vscode';
import type { BackendLink, LinkedBackend } from '../../backend/link.js';
import type { EnvironmentsModel } from '../../environments/model.js';
import type { EnvironmentLogChannels } from './logs.js';

/** What the environment commands share. */
export interface EnvironmentUi {
  link: BackendLink;
  model: EnvironmentsModel;
  logs: EnvironmentLogChannels;
  channel: vscode.LogOutputChannel;
}

/** The connected backend, or an error the command registration shows. */
export function connected(link: BackendLink): LinkedBackend {
  const backend = link.current;
  if (!backend) throw new Error('the backend is not connected (see "ML Workbench: Show Connection Details")');
  return backend;
}
