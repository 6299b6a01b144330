#!/usr/bin/env bash
# The suite with the extension built with AddressSanitizer and
# UndefinedBehaviorSanitizer, in a copy of the checkout under /tmp (the
# normal build is left alone). Every process of a test runs with the
# sanitizers' runtimes preloaded (the PHP children that load the extension
# need them), writing its reports to files; the run fails on a report whose
# stack reaches into bluegreen's code. Reports about other programs (nginx,
# git, PHP itself) are counted, not failed: they are not ours to fix.
#
#   tests/asan.sh [run-tests.php options] [tests...]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash tests/install-packages.sh tests/asan.sh php-dev php-cli libgit2-dev pkg-config make gcc git nginx-light wrk \
	libhiredis-dev libcurl4-openssl-dev redis-server etcd-server openssl

work=$(mktemp -d /tmp/bluegreen-asan.XXXXXX)
chmod 755 "$work"   # a test runs a releaser as nobody
trap '[ -n "${BLUEGREEN_ASAN_KEEP:-}" ] || rm -rf "$work"' EXIT
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$work"
cd "$work"

san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
phpize >/dev/null 2>&1
./configure --with-bluegreen CFLAGS="-g -O1 $san" LDFLAGS="$san" >/dev/null
make -s -j"$(nproc)" >/dev/null 2>&1
gcc -shared -fPIC -O1 -o nodeepbind.so tests/asan/nodeepbind.c -ldl

# The PHP that runs each test: the sanitizers preloaded, after the shim.
mkdir -p "$work/reports"
chmod 1777 "$work/reports"
cat > php-asan <<SH
#!/bin/sh
LD_PRELOAD="$work/nodeepbind.so $(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \\
ASAN_OPTIONS="detect_leaks=1:verify_asan_link_order=0:exitcode=0:log_path=$work/reports/asan" \\
LSAN_OPTIONS="suppressions=$work/tests/asan/lsan.supp:print_suppressions=0" \\
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$work/reports/ubsan" \\
USE_ZEND_ALLOC=0 ZEND_DONT_UNLOAD_MODULES=1 \\
exec $(command -v php) "\$@"
SH
chmod +x php-asan

source tests/phpt-lib.sh
phpt_split "$@"
phpt_run "$work/php-asan" "$work/modules/bluegreen.so" "$work/log"

# A report is ours when a frame of its stack is in bluegreen's sources.
ours=$(grep -lE "($work/(src/[a-z_]+/[a-z_]+|[a-z_]+)\.c:|bluegreen\.so)" "$work"/reports/* 2>/dev/null || true)
others=$(find "$work/reports" -type f | wc -l)
for report in $ours; do
	echo "== $report"
	cat "$report"
done
echo "tests/asan.sh: $(echo "$ours" | grep -c . || true) report(s) on bluegreen, $others report file(s) in all"
phpt_summary "$work/log" asan "$(echo "$ours" | grep -c . || true)"
