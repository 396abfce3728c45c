import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { WebviewApp } from '../../../../webviews/shared/messages.js';
import { PanelSession, type PanelContent } from '../../datasets/panelSession.js';

/**
 * The page of a dataset webview: the app's bundle and stylesheet from `dist/webviews` (the only
 * local resource root), under a strict CSP: no inline script but the nonce'd bundle, styles only
 * from the extension, nothing fetched from anywhere.
 */
function html(webview: vscode.Webview, extensionUri: vscode.Uri, app: WebviewApp, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (ext: string): vscode.Uri => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webviews', `${app}.${ext}`));
  const csp = [`default-src 'none'`, `img-src ${webview.cspSource} data:`, `font-src ${webview.cspSource}`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  const escaped = title.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('css')}">
<title>${escaped}</title>
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}" src="${asset('js')}"></script>
</body>
</html>`;
}

/** Opens a webview panel for `content`; the panel asks for its state once its script is ready (see `PanelSession`). */
export function openDatasetPanel<A extends WebviewApp>(extensionUri: vscode.Uri, channel: vscode.LogOutputChannel, title: string, content: PanelContent<A>): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(`mlwb.${content.app}`, title, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews')],
  });
  const session = new PanelSession(content, (message) => void panel.webview.postMessage(message), (line) => channel.warn(line));
  const subscription = panel.webview.onDidReceiveMessage((message: unknown) => {
    session.receive(message).catch((error: unknown) => channel.error(`${content.app}: ${error instanceof Error ? error.message : String(error)}`));
  });
  panel.onDidDispose(() => subscription.dispose());
  panel.webview.html = html(panel.webview, extensionUri, content.app, title);
  return panel;
}
