import * as vscode from 'vscode';
import type { Logger } from '../backend/logLine.js';

/** The "ML Workbench" output channel: the embedded backend's log and the extension's own messages. */
export function createOutput(): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('ML Workbench', { log: true });
  const logger: Logger = { log: ({ level, message }) => channel[level](message) };
  return { channel, logger };
}
