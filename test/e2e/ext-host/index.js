// Mocha entry for code-server's Node extension host (loaded through the workbench URL's
// `extensionTestsPath`; see /work/shared/recipes/code-server-e2e.md §5a). Same `run()` contract
// as @vscode/test-electron, so it also works with a desktop VS Code where one can be downloaded.
// Each result is also logged as one "mlwb-ext-test pass|fail <title>[ :: <error>]" line, which
// test/e2e/run.mjs reads from the workbench's log.
const path = require('node:path');
const Mocha = require('mocha');

exports.run = function run() {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'extension.test.js'));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => (failures ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
    runner.on('pass', (t) => console.log(`mlwb-ext-test pass ${t.fullTitle()}`));
    runner.on('fail', (t, err) => console.log(`mlwb-ext-test fail ${t.fullTitle()} :: ${String(err?.message ?? err).replace(/\s+/g, ' ')}`));
  });
};
