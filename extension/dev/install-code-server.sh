#!/usr/bin/env bash
# Installs code-server from the npm registry only (no GitHub), for Node 20, root allowed.
#   extension/dev/install-code-server.sh <dir>   ->   <dir>/node_modules/.bin/code-server
# A plain `npm install code-server` fails offline: its postinstall refuses root, fetches
# @vscode/proxy-agent from a GitHub git URL and downloads ripgrep from GitHub. This script does
# that postinstall by hand (see /work/shared/recipes/code-server-e2e.md, section 1).
# Needs: node 20 + npm, a C/C++ toolchain and python3 (node-gyp), libkrb5-dev (kerberos addon);
# ripgrep is optional (workspace search).
set -euo pipefail
DIR="$(realpath -m "${1:-.mlwb/code-server}")"
VER="${CODE_SERVER_VERSION:-4.96.4}"
BIN="$DIR/node_modules/.bin/code-server"
XDG_TMP="$(mktemp -d)"
trap 'rm -rf "$XDG_TMP"' EXIT
# code-server writes ~/.config/code-server/config.yaml and logs under ~/.local unless told otherwise
cs_version() { XDG_CONFIG_HOME="$XDG_TMP" XDG_DATA_HOME="$XDG_TMP" XDG_CACHE_HOME="$XDG_TMP" \
  "$BIN" --config /dev/null --version 2>/dev/null | head -n 1; }

if [ -x "$BIN" ] && cs_version | grep -q "^$VER "; then
  echo "code-server $VER already installed in $DIR"
  exit 0
fi

step=0
STEPS=7
progress() { step=$((step + 1)); echo "[code-server $step/$STEPS] $* ($SECONDS s)"; }
quiet=(--no-audit --no-fund --loglevel=error)

# Native addons compile against the running Node's own headers, so node-gyp never downloads them.
NODE_PREFIX="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$NODE_PREFIX/include/node/node.h" ]; then
  export npm_config_nodedir="$NODE_PREFIX"
fi

mkdir -p "$DIR" && cd "$DIR"
[ -f package.json ] || echo '{"private":true}' > package.json

progress "fetching code-server@$VER from the npm registry (scripts off)"
npm install "${quiet[@]}" --ignore-scripts "code-server@$VER"

progress "building argon2 (code-server's password hashing)"
npm rebuild "${quiet[@]}" argon2

CS="$DIR/node_modules/code-server"
cd "$CS/lib/vscode"
progress "pointing git-resolved shrinkwrap entries at the npm registry"
node -e '
const fs = require("fs"), { execFileSync } = require("child_process");
const f = "npm-shrinkwrap.json", j = JSON.parse(fs.readFileSync(f, "utf8"));
for (const [key, v] of Object.entries(j.packages || {})) {
  if (!v.resolved || !v.resolved.startsWith("git")) continue;
  const spec = key.replace(/^.*node_modules\//, "") + "@" + v.version;
  const { tarball, integrity } = JSON.parse(execFileSync("npm", ["view", spec, "dist", "--json"], { encoding: "utf8" }));
  if (integrity !== v.integrity) console.warn(`  note: ${spec} registry integrity differs from the git build; using the registry one`);
  Object.assign(v, { resolved: tarball, integrity });
  console.log(`  ${spec}: git -> registry tarball`);
}
fs.writeFileSync(f, JSON.stringify(j, null, 2) + "\n");'

progress "installing VS Code's runtime dependencies (scripts off: @vscode/ripgrep downloads from GitHub)"
npm install "${quiet[@]}" --omit=dev --ignore-scripts

progress "compiling native addons (node-pty, spdlog, watcher, kerberos, …; the slow part)"
npm rebuild "${quiet[@]}" @parcel/watcher @vscode/spdlog node-pty native-watchdog kerberos @vscode/deviceid

progress "linking ripgrep and finishing what code-server's postinstall does"
if command -v rg >/dev/null; then
  mkdir -p node_modules/@vscode/ripgrep/bin && ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
else
  echo "  ripgrep (rg) not found: workspace search will not work in code-server"
fi
rm -rf node_modules.asar && ln -s node_modules node_modules.asar
( cd bin/remote-cli && ln -sf code-linux.sh code-server )
( cd bin/helpers && ln -sf browser-linux.sh browser.sh )

progress "installing the built-in extensions' dependencies"
# its postinstall lists every file it trims: keep that in a log, shown only on failure
if ! ( cd extensions && npm install "${quiet[@]}" --omit=dev ) > "$DIR/extensions-install.log" 2>&1; then
  tail -n 40 "$DIR/extensions-install.log"; exit 1
fi

echo "code-server installed: $(cs_version) -> $BIN (${SECONDS} s)"
