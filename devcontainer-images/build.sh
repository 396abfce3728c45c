#!/bin/bash
# Builds ML Workbench environment images without an image registry or PyPI:
# the debootstrap base (mlwb-base:bookworm, base/build-base.sh) if it is missing, then each requested
# catalog image in dependency order, tagged mlwb/<name>:<manifest version>.
#
# Usage: build.sh [options] [NAME...]   (no NAME: the catalog; "offline": false images are skipped
#                                        with their reason unless --allow-online)
#   --force          rebuild requested images even when their tag exists (layer cache still applies)
#   --no-cache       build without docker's layer cache (implies --force)
#   --force-base     rebuild the base image too
#   --allow-online   also build "offline": false images, from their Dockerfile's default BASE_IMAGE
#                    (needs an image registry and PyPI)
#   --verbose        show docker's full output (it always goes to .mlwb/logs/images/<name>.log)
#   --list           print the catalog and exit
# Needs a Docker engine; building the base needs root and debootstrap (Debian: apt-get install debootstrap).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SUITE=${MLWB_SUITE:-bookworm}
BASE_TAG=mlwb-base:$SUITE
LOG_DIR=$REPO/.mlwb/logs/images
FORCE=0 NO_CACHE=0 FORCE_BASE=0 ALLOW_ONLINE=0 VERBOSE=0 LIST=0
REQUESTED=()

while [ $# -gt 0 ]; do
  case $1 in
    --force) FORCE=1 ;;
    --no-cache) NO_CACHE=1 FORCE=1 ;;
    --force-base) FORCE_BASE=1 ;;
    --allow-online) ALLOW_ONLINE=1 ;;
    --verbose|-v) VERBOSE=1 ;;
    --list) LIST=1 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "build.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) REQUESTED+=("$1") ;;
  esac
  shift
done

START=$SECONDS
say() { printf '[mlwb-images] %4ss  %s\n' "$((SECONDS - START))" "$*"; }
die() { printf '[mlwb-images] error: %s\n' "$*" >&2; exit 1; }

# Manifests are canonical 2-space JSON (test/unit/images/manifest.test.ts checks it), so a top-level
# field is the one line that starts with exactly two spaces: no jq or python needed on the host.
field() { # DIR KEY -> the value of a top-level string or boolean field, empty when absent
  awk -v k="$2" '
    index($0, "  \"" k "\": ") == 1 {
      v = substr($0, length(k) + 7); sub(/,$/, "", v)
      if (v ~ /^".*"$/) { v = substr(v, 2, length(v) - 2); gsub(/\\"/, "\"", v) }
      print v; exit
    }' "$HERE/$1/manifest.json"
}
tag_of() { echo "mlwb/$1:$(field "$1" version)"; }
exists() { docker image inspect "$1" >/dev/null 2>&1; }
# What an image is built from: its own folder and the runtime package every image copies. Recorded as
# the label mlwb.inputs, so a changed Dockerfile or runtime file rebuilds the image although its tag exists.
inputs_of() { # NAME -> sha256 over the paths and contents of its inputs
  (cd "$HERE" && find "$1" runtime/mlwb_runtime -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}
current() { # NAME -> whether its tag exists and was built from the current inputs
  [ "$(docker image inspect --format '{{index .Config.Labels "mlwb.inputs"}}' "$(tag_of "$1")" 2>/dev/null)" = "$(inputs_of "$1")" ]
}
size_of() { docker image inspect --format '{{.Size}}' "$1" | awk '{ printf "%.0f MB", $1 / 1e6 }'; }

CATALOG=()
for m in "$HERE"/*/manifest.json; do CATALOG+=("$(basename "$(dirname "$m")")"); done

if [ "$LIST" = 1 ]; then
  for n in "${CATALOG[@]}"; do
    printf '%-14s %-26s offline=%-5s %s\n' "$n" "$(tag_of "$n")" "$(field "$n" offline)" "$(field "$n" description)"
  done
  exit 0
fi

in_catalog() { local n; for n in "${CATALOG[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1; }
# no NAME: the whole catalog; the "offline": false images are then skipped with their reason
[ ${#REQUESTED[@]} -gt 0 ] || REQUESTED=("${CATALOG[@]}")
for n in "${REQUESTED[@]}"; do
  in_catalog "$n" || die "no image '$n' in the catalog (have: ${CATALOG[*]})"
done

# dependency order: an image's dependsOn comes before it
ORDER=()
visit() {
  local n=$1 d v
  for v in "${ORDER[@]+"${ORDER[@]}"}"; do [ "$v" = "$n" ] && return 0; done
  d=$(field "$n" dependsOn)
  if [ -n "$d" ]; then
    in_catalog "$d" || die "$n depends on '$d', which is not in the catalog"
    visit "$d"
  fi
  ORDER+=("$n")
}
for n in "${REQUESTED[@]}"; do visit "$n"; done

is_requested() { local n; for n in "${REQUESTED[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1; }

# what to do with each image: build, keep (tag exists, same inputs) or skip (needs a registry);
# an image whose dependency gets rebuilt is rebuilt too, or it would stay on the old layers
PLAN=() NEED_BASE=0 REBUILT=" "
for n in "${ORDER[@]}"; do
  dep=$(field "$n" dependsOn)
  if [ "$(field "$n" offline)" != true ] && [ "$ALLOW_ONLINE" = 0 ]; then
    PLAN+=(skip)
  elif current "$n" && ! { [ "$FORCE" = 1 ] && is_requested "$n"; } && [[ "$REBUILT" != *" $dep "* ]]; then
    PLAN+=(keep)
  else
    PLAN+=(build)
    REBUILT+="$n "
    if [ "$(field "$n" offline)" = true ] && [ -z "$dep" ]; then NEED_BASE=1; fi
  fi
done

command -v docker >/dev/null || die "docker CLI not found"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "no Docker engine answers (is dockerd running? DOCKER_HOST=${DOCKER_HOST:-unset})"

if [ "$NEED_BASE" = 1 ] || [ "$FORCE_BASE" = 1 ]; then
  say "base image $BASE_TAG"
  base_args=(); [ "$FORCE_BASE" = 1 ] && base_args+=(--force)
  "$HERE/base/build-base.sh" "${base_args[@]+"${base_args[@]}"}" || die "building the base image failed"
fi

# The legacy builder is what Debian's docker.io 20.10 has; these Dockerfiles need nothing newer.
export DOCKER_BUILDKIT=0
mkdir -p "$LOG_DIR"
REVISION=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
SUMMARY=()
total=${#ORDER[@]}
for i in "${!ORDER[@]}"; do
  n=${ORDER[$i]} step="$((i + 1))/$total" tag=$(tag_of "${ORDER[$i]}")
  case ${PLAN[$i]} in
    skip)
      say "[$step] $n: skipped, it needs a registry: $(field "$n" offlineNote) (--allow-online builds it where one is reachable)"
      SUMMARY+=("$(printf '%-14s %-26s skipped (offline: false)' "$n" "$tag")")
      continue ;;
    keep)
      say "[$step] $n: $tag exists and its inputs are unchanged, kept (--force rebuilds it)"
      SUMMARY+=("$(printf '%-14s %-26s exists  %s' "$n" "$tag" "$(size_of "$tag")")")
      continue ;;
  esac

  args=(build --network host -f "$HERE/$n/Dockerfile" -t "$tag"
        --label "org.opencontainers.image.created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
        --label "org.opencontainers.image.revision=$REVISION"
        --label "mlwb.inputs=$(inputs_of "$n")")
  dep=$(field "$n" dependsOn)
  if [ -n "$dep" ]; then
    args+=(--build-arg "BASE_IMAGE=$(tag_of "$dep")")
  elif [ "$(field "$n" offline)" = true ]; then
    args+=(--build-arg "BASE_IMAGE=$BASE_TAG")
  fi
  [ "$NO_CACHE" = 1 ] && args+=(--no-cache)

  log=$LOG_DIR/$n.log
  say "[$step] $n: building $tag (docker output: $log)"
  began=$SECONDS
  set +e
  if [ "$VERBOSE" = 1 ]; then
    docker "${args[@]}" "$HERE" 2>&1 | tee "$log"
  else
    docker "${args[@]}" "$HERE" 2>&1 | tee "$log" | { grep --line-buffered -E '^Step [0-9]+/[0-9]+ : ' | sed -u -e 's/^\(.\{100\}\).*/\1…/' -e 's/^/      /' || true; }
  fi
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" != 0 ]; then
    tail -n 25 "$log" >&2
    die "[$step] $n: docker build failed (exit $rc); full output in $log"
  fi
  say "[$step] $n: built $tag in $((SECONDS - began))s, $(size_of "$tag")"
  SUMMARY+=("$(printf '%-14s %-26s built   %s in %ss' "$n" "$tag" "$(size_of "$tag")" "$((SECONDS - began))")")
done

say "done"
printf '  %s\n' "${SUMMARY[@]}"
