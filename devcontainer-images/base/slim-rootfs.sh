#!/bin/sh
# Turns a debootstrap tree into a container root: apt sources for SUITE, SUITE-updates and
# SUITE-security; no recommends, no docs/man/locales (also for every later apt-get install);
# no services started by dpkg; no caches. Usage: slim-rootfs.sh ROOTFS SUITE MIRROR [SECMIRROR]
set -eu
R=$1 SUITE=$2 MIRROR=$3 SECMIRROR=${4:-}

rm -f "$R/etc/apt/sources.list"
{
  printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$MIRROR" "$SUITE" "$SUITE"
  if [ -n "$SECMIRROR" ]; then
    printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$SECMIRROR" "$SUITE"
  fi
} > "$R/etc/apt/sources.list.d/debian.sources"

cat > "$R/etc/apt/apt.conf.d/90container" <<'EOS'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
Acquire::CompressionTypes::Order:: "gz";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOS

cat > "$R/etc/dpkg/dpkg.cfg.d/90container-nodoc" <<'EOS'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EOS
echo force-unsafe-io > "$R/etc/dpkg/dpkg.cfg.d/90container-unsafe-io"
printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"
chmod 755 "$R/usr/sbin/policy-rc.d"

find "$R/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$R/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$R/usr/share/man/"* "$R/usr/share/info/"* "$R/usr/share/lintian/"*
find "$R/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
rm -rf "$R/var/cache/apt/"*.bin "$R/var/cache/apt/archives/"*.deb "$R/var/lib/apt/lists/"* \
       "$R/var/log/"*.log "$R/var/cache/debconf/"*-old
: > "$R/etc/machine-id"
