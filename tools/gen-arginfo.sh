#!/usr/bin/env bash
# Regenerates bluegreen_arginfo.h from bluegreen.stub.php with php-dev's
# gen_stub.php, offline: Debian's php-parser package provides the parser that
# gen_stub.php would otherwise download.
#
#   tools/gen-arginfo.sh          regenerate (commit the result)
#   tools/gen-arginfo.sh --check  fail if the committed file is out of date
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian installs it under the extension dir; a source install under lib/php.
gen="$(php-config --extension-dir)/build/gen_stub.php"
[ -f "$gen" ] || gen="$(php-config --prefix)/lib/php/build/gen_stub.php"
if [ ! -f "$gen" ]; then
	echo "gen-arginfo: gen_stub.php not found (apt-get install php-dev)" >&2
	exit 2
fi
parser=/usr/share/php/PhpParser
if [ ! -d "$parser" ]; then
	echo "gen-arginfo: PHP-Parser not found (apt-get install php-parser)" >&2
	exit 2
fi

# gen_stub.php looks for the parser beside itself, at the version it pins.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(sed -nE 's/^ *\$version = "([0-9.]+)";.*/\1/p' "$gen" | head -n1)
cp "$gen" "$work/gen_stub.php"
mkdir -p "$work/PHP-Parser-$version/lib"
ln -s "$parser" "$work/PHP-Parser-$version/lib/PhpParser"

if [ "${1:-}" = "--check" ]; then
	cp bluegreen.stub.php "$work/"
	php "$work/gen_stub.php" -f "$work/bluegreen.stub.php" >/dev/null
	if ! cmp -s "$work/bluegreen_arginfo.h" bluegreen_arginfo.h; then
		echo "gen-arginfo: bluegreen_arginfo.h is out of date; run tools/gen-arginfo.sh and commit it" >&2
		diff -u bluegreen_arginfo.h "$work/bluegreen_arginfo.h" | head -n 40 >&2
		exit 1
	fi
else
	php "$work/gen_stub.php" -f bluegreen.stub.php
fi
