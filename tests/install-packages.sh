#!/usr/bin/env bash
# Installs the Debian packages named that are missing: with apt-get when run
# as root, otherwise it says what to install and exits 2. Used by the test
# scripts (tests/run.sh, tests/fuzz.sh) and the demos (examples/demo/build.sh),
# so that a fresh machine sets itself up.
#
#   tests/install-packages.sh <who is asking> package...
set -euo pipefail

who=$1
shift
missing=()
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || exit 0

if [ "$(id -u)" != 0 ]; then
	echo "$who: missing packages; run as root:" >&2
	echo "  apt-get install ${missing[*]}" >&2
	exit 2
fi
echo "$who: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
