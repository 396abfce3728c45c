// Runs inside the real extension host, with the real `vscode` API, against the backend that
// test/e2e/run.mjs started. Checks the contract between the launcher and the extension.
const assert = require('node:assert/strict');
const vscode = require('vscode');

const manifest = require('../../../package.json');
const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

describe('ML Workbench', () => {
  let extension;

  before(async () => {
    extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
    await extension.activate();
  });

  it('activates', () => {
    assert.equal(extension.isActive, true);
  });

  it('sees the backend URL setting and the MLWB_TOKEN environment variable', () => {
    const url = vscode.workspace.getConfiguration('mlwb').get('backend.url');
    assert.match(String(url), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(process.env.MLWB_TOKEN, 'MLWB_TOKEN is not set in the extension host');
  });

  it('reaches the backend with that URL and token', async () => {
    const url = vscode.workspace.getConfiguration('mlwb').get('backend.url');
    const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${process.env.MLWB_TOKEN}` } });
    assert.equal(me.status, 200);
  });

  it('registers every command its manifest contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.length > 0, 'the manifest contributes no commands');
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
  });
});
