import * as vscode from 'vscode';
import { EnvironmentState, type Environment } from '../../../../backend/src/protocol/index.js';
import type { EnvironmentsModel } from '../../environments/model.js';
import { describeEnvironment, stateLook } from '../../environments/rows.js';

interface EnvItem extends vscode.QuickPickItem {
  env: Environment;
}

/** The id in a command argument: a tree row (a ResourceItem) from a menu, or an id from another command. */
function argumentId(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'id' in arg && typeof arg.id === 'string') return arg.id;
  return undefined;
}

export function environmentItem(env: Environment): EnvItem {
  const look = stateLook(env);
  return {
    env,
    label: env.name,
    description: describeEnvironment(env),
    detail: env.reason ? `${look.words}: ${env.reason}` : look.words,
    iconPath: new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined),
  };
}

/**
 * The environment a command is for: the row it was invoked on, or one the user picks among those in
 * `states` (from the Command Palette). Undefined when the user cancels or none fits.
 */
export async function targetEnvironment(model: EnvironmentsModel, arg: unknown, states: readonly EnvironmentState[] | undefined, title: string): Promise<Environment | undefined> {
  const id = argumentId(arg);
  if (id) {
    const env = model.get(id);
    if (!env) throw new Error('that environment no longer exists');
    return env;
  }
  const candidates = model.items.filter((e) => !states || states.includes(e.state));
  if (!candidates.length) {
    const which = states && states.length < EnvironmentState.options.length ? ` that is ${states.join(' or ')}` : '';
    void vscode.window.showInformationMessage(`ML Workbench: there is no environment${which}.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(candidates.map(environmentItem), { title: `ML Workbench: ${title}`, placeHolder: 'Choose an environment', matchOnDescription: true });
  return picked?.env;
}
