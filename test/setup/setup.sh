#!/usr/bin/env bash
# Installs what the test suites need on a Debian 12 machine, and starts dockerd.
#   bash test/setup/setup.sh        (npm run setup; npm test runs it first)
# As root it installs the missing apt packages; without root it skips what it cannot do and
# says so (npm test then skips only the suites that need the missing pieces).
# Idempotent: a second run only checks. Env: MLWB_HOME (default ./.mlwb).
set -euo pipefail
cd "$(dirname "$0")/../.."
HOME_DIR="$(realpath -m "${MLWB_HOME:-.mlwb}")"
mkdir -p "$HOME_DIR/logs"
say() { echo "[setup] $*"; }
is_root() { [ "$(id -u)" = 0 ]; }

# 1. apt packages: chromium + fonts (e2e), ripgrep + libkrb5-dev + pkg-config (code-server's
#    build and search), docker.io (Docker driver), debootstrap (the offline base image), Python
#    with Jupyter (and the classic notebook UI, nbclassic) for the local driver and debugpy for
#    debugging jobs on it.
PKGS=(chromium fonts-liberation ripgrep libkrb5-dev pkg-config docker.io debootstrap
      python3-venv python3-jupyter-server python3-ipykernel python3-numpy python3-pandas python3-sklearn
      python3-debugpy python3-nbclassic)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  say "apt packages present: ${PKGS[*]}"
elif is_root && command -v apt-get >/dev/null; then
  say "installing apt packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 -o APT::Update::Error-Mode=any update -q
  apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}"
else
  say "SKIP apt packages ${missing[*]}: needs root and apt-get"
fi

# 2. dockerd, unless a Docker engine already answers
docker_ok() { command -v docker >/dev/null && timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
if docker_ok; then
  say "docker engine answers"
elif is_root && command -v dockerd >/dev/null; then
  say "starting dockerd (log: $HOME_DIR/logs/dockerd.log)"
  # its own session, so it outlives this script and the test run that started it
  setsid nohup dockerd >>"$HOME_DIR/logs/dockerd.log" 2>&1 < /dev/null &
  for _ in $(seq 1 120); do docker_ok && break; sleep 0.5; done
  if docker_ok; then
    say "docker engine answers"
  else
    say "dockerd did not answer within 60 s; the last lines of its log:"
    tail -n 20 "$HOME_DIR/logs/dockerd.log" | sed 's/^/    /'
    exit 1
  fi
else
  say "SKIP dockerd: needs root and docker.io"
fi

# 3. code-server for the e2e suite (about a minute on first run)
if command -v g++ >/dev/null && { [ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/gssapi.h ]; }; then
  bash extension/dev/install-code-server.sh "$HOME_DIR/code-server"
elif [ -x "$HOME_DIR/code-server/node_modules/.bin/code-server" ]; then
  say "code-server present"
else
  say "SKIP code-server install: needs g++ and libkrb5-dev (gssapi headers)"
fi

# 4. The environment images (a debootstrap base, then the catalog; minutes on a fresh machine,
#    seconds once built). The base needs root and debootstrap; every image needs the engine.
if docker_ok && is_root && command -v debootstrap >/dev/null; then
  say "building the environment images (devcontainer-images/build.sh)"
  bash devcontainer-images/build.sh
else
  say "SKIP environment images: needs root, debootstrap and a Docker engine (the Docker suites skip without them)"
fi
say "done in ${SECONDS} s"
