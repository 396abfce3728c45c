# Sourced by build-base.sh: finds the Debian mirror in the host's apt configuration, so no URL is
# written into this repository. MLWB_DEBIAN_MIRROR / MLWB_DEBIAN_SECURITY_MIRROR override it.
# Sets MIRROR and SECMIRROR (SECMIRROR may be empty: the base is then built without security updates).

mlwb_apt_uris() {
  # One "URI SUITES..." line per source, from deb822 *.sources files and one-line *.list files.
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      /^[[:space:]]*$/ { if (uri != "" && deb) print uri, suites; uri = ""; suites = ""; deb = 0; next }
      /^Types:/  { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
      /^URIs:/   { uri = $2 }
      /^Suites:/ { suites = ""; for (i = 2; i <= NF; i++) suites = suites " " $i }
      END        { if (uri != "" && deb) print uri, suites }
    ' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # "deb [options] URI SUITE COMPONENTS..."
    awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ } print $i, $(i + 1) }' "$f"
  done
}

MIRROR=${MLWB_DEBIAN_MIRROR:-}
SECMIRROR=${MLWB_DEBIAN_SECURITY_MIRROR:-}
if [ -z "$MIRROR" ]; then
  MIRROR=$(mlwb_apt_uris | awk '$0 !~ /-security/ && $1 ~ /^https?:/ { print $1; exit }')
fi
if [ -z "$SECMIRROR" ]; then
  SECMIRROR=$(mlwb_apt_uris | awk '$0 ~ /-security/ && $1 ~ /^https?:/ { print $1; exit }')
fi
export MIRROR SECMIRROR
