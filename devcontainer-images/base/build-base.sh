#!/bin/bash
# Builds the registry-free base image (default mlwb-base:bookworm) from Debian packages alone:
# debootstrap (minbase) -> slim -> apt upgrade from -updates/-security in a chroot -> docker import.
# The mirror is read from this host's apt configuration at run time (base/mirror.sh).
# Needs root, debootstrap and a Docker engine. Skips the work when the image exists, unless --force.
#
# Usage: build-base.sh [--force] [--tag NAME:TAG]
# Env:   MLWB_SUITE (bookworm), MLWB_DEB_CACHE (<repo>/.mlwb/cache/debs),
#        MLWB_DEBIAN_MIRROR / MLWB_DEBIAN_SECURITY_MIRROR (override the host's apt sources)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SUITE=${MLWB_SUITE:-bookworm}
TAG=mlwb-base:$SUITE
FORCE=0
CACHE=${MLWB_DEB_CACHE:-$REPO/.mlwb/cache/debs}

while [ $# -gt 0 ]; do
  case $1 in
    --force) FORCE=1 ;;
    --tag) TAG=${2:?--tag needs a value}; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "build-base.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

START=$SECONDS
say() { printf '[mlwb-base] %4ss  %s\n' "$((SECONDS - START))" "$*"; }
die() { printf '[mlwb-base] error: %s\n' "$*" >&2; exit 1; }

command -v docker >/dev/null || die "docker CLI not found"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "no Docker engine answers (is dockerd running? DOCKER_HOST=${DOCKER_HOST:-unset})"

if [ "$FORCE" = 0 ] && docker image inspect "$TAG" >/dev/null 2>&1; then
  say "$TAG exists, skipping (--force rebuilds it)"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "debootstrap and chroot need root"
PATH=$PATH:/usr/sbin:/sbin
command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"

# shellcheck source=mirror.sh
. "$HERE/mirror.sh"
[ -n "$MIRROR" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d/*} (set MLWB_DEBIAN_MIRROR)"
say "mirror $MIRROR${SECMIRROR:+, security $SECMIRROR}"
[ -n "$SECMIRROR" ] || say "warning: no -security source on this host: the base gets no security updates"

mkdir -p "$CACHE"
R=$(mktemp -d /var/tmp/mlwb-rootfs.XXXXXX)
# mktemp makes the directory 0700, and it becomes the image's "/": uid 1000 could not even reach /usr
chmod 755 "$R"
cleanup() {
  # never delete through a mounted /proc, /sys or /dev/pts (debootstrap mounts some too): unmount deepest first
  local m
  for m in $(awk -v r="$R/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m"
  done
  rm -rf --one-file-system "$R" "$R.log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "debootstrap --variant=minbase $SUITE (deb cache $CACHE)"
debootstrap --variant=minbase --cache-dir="$CACHE" "$SUITE" "$R" "$MIRROR" > "$R.log" 2>&1 \
  || { tail -n 30 "$R.log" >&2; die "debootstrap failed"; }

say "slimming the root filesystem"
"$HERE/slim-rootfs.sh" "$R" "$SUITE" "$MIRROR" "$SECMIRROR"

# debootstrap installs from the one suite only: apply -updates and -security before the import,
# as an upgrade in a Dockerfile layer would store every upgraded file twice.
say "apt-get upgrade in the chroot"
mount -t proc proc "$R/proc"
chroot "$R" env DEBIAN_FRONTEND=noninteractive sh -c \
  'apt-get -qq -o APT::Update::Error-Mode=any update && apt-get -y -qq upgrade && apt-get clean && rm -rf /var/lib/apt/lists/*' \
  > "$R.log" 2>&1 || { tail -n 30 "$R.log" >&2; die "apt-get upgrade in the chroot failed (is the mirror reachable?)"; }
umount "$R/proc"

# debootstrap copied the host's resolv.conf and hostname; the container engine provides its own
: > "$R/etc/resolv.conf"
echo localhost > "$R/etc/hostname"
rm -rf "$R/var/log/apt/"* "$R/var/log/"*.log "$R/var/cache/debconf/"*-old "$R/tmp/"* "$R/root/.bash_history"

say "docker import -> $TAG"
tar --numeric-owner --xattrs -C "$R" -c . | docker import \
  --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' \
  -m "mlwb base: debootstrap --variant=minbase $SUITE, $(date -u +%Y-%m-%dT%H:%MZ)" - "$TAG" >/dev/null
say "done: $TAG $(docker image inspect --format '{{.Size}}' "$TAG") bytes"
