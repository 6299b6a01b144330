#!/usr/bin/env bash
# bluegreen's test command: on a fresh Debian machine it installs what is
# missing, builds the extension, and runs the whole .phpt suite.
#
#   tests/run.sh                 build and run every test
#   tests/run.sh -m              the same under valgrind (run-tests.php -m)
#   tests/run.sh -j1             one test at a time (the default: one per core, the
#                                timing-bound tests alone at the end)
#   tests/run.sh tests/foo.phpt  only the tests named (any run-tests.php option works)
#
# It fails on any FAIL, BORK, LEAK or WARN and ends with the line
# "phpt: N passed, N failed, N skipped".
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# --- what the build and the suite need, by Debian package ------------------
packages=(php-dev php-cli libgit2-dev pkg-config make gcc git nginx-light wrk php-parser dropbear-bin openssh-client php-pear
	libhiredis-dev libcurl4-openssl-dev redis-server etcd-server iproute2 openssl)
for arg in "$@"; do
	[ "$arg" = "-m" ] && packages+=(valgrind)
done

bash tests/install-packages.sh tests/run.sh "${packages[@]}"

# --- build ------------------------------------------------------------------
php=$(command -v php)
# -Werror: the extension builds with -Wall -Wextra and no warning.
cflags="-g -O1 -Wall -Wextra -Wno-unused-parameter -Werror"
if [ ! -f Makefile ] || [ config.m4 -nt Makefile ] || ! grep -q -- "-Werror" Makefile; then
	phpize >/tmp/bluegreen-phpize.log 2>&1 || { cat /tmp/bluegreen-phpize.log >&2; exit 1; }
	./configure --with-bluegreen CFLAGS="$cflags" >/tmp/bluegreen-configure.log 2>&1 \
		|| { tail -n 20 /tmp/bluegreen-configure.log >&2; exit 1; }
fi
# A header moved or removed would stop make ("No rule to make target"): an
# object whose recorded dependencies name a file that is gone is built again.
while IFS= read -r -d '' dep; do
	for f in $(sed 's/\\$//; s/^[^:]*://' "$dep"); do
		if [ ! -e "$f" ]; then
			rm -f "$dep" "${dep%.dep}.lo"
			break
		fi
	done
done < <(find . -name '*.dep' -not -path './.git/*' -print0)
make -s -j"$(nproc)" >/dev/null

# The core must stay independent of PHP.
if grep -rlE '#include *["<](php|zend|Zend/)' src/; then
	echo "tests/run.sh: src/ must not include PHP or Zend headers (files above)" >&2
	exit 1
fi

# Each fact has one owner in the core (README, Layout). owner PATTERN OWNER
# MESSAGE fails, naming the lines, when PATTERN matches in src/ outside the
# OWNER pathspec.
owner() {
	local lines

	lines=$(git grep --untracked -nE "$1" -- 'src/*' ":!$2" || true)
	if [ -n "$lines" ]; then
		printf '%s\n' "$lines" >&2
		echo "tests/run.sh: $3 (lines above)" >&2
		exit 1
	fi
}
# - /proc (and sock_diag) are read only in src/sys/;
owner '(^|[^a-z_])/proc' 'src/sys/*' '/proc is read only in src/sys/: add a function there'
# - paths under releases_dir/.bluegreen and release names are made and read
#   only by the layout module (src/layout/layout.[ch]);
owner '\.bluegreen([^-]|$)|"release-|release-%|"shared/' 'src/layout/layout.[ch]' \
	'paths under releases_dir and release names belong to src/layout/layout.[ch]: use its bg_layout_* functions'
# - the short sha's length is BG_SHORT_SHA_LEN (src/layout/release.h).
owner '%\.7s|, 7\)|define BG_SHORT_SHA' 'src/layout/release.h' \
	'a short sha is BG_SHORT_SHA_LEN digits long (src/layout/release.h), not a literal'

# Every option is a row of the table in options.c (`{ "key", OPT_...`), and
# the README's Options table names the same keys: each top-level key in its
# first column, each member of a group ("health.timeout") in its group's line.
option_keys=$(sed -nE 's/^[[:space:]]*\{ "([a-z_]+(\.[a-z_]+)?)", OPT_.*/\1/p' options.c)
readme_options=$(awk '/^## Options/ { on = 1; next } /^## / { on = 0 } on && /^\| `/' README.md)
readme_keys=$(printf '%s\n' "$readme_options" | cut -d'|' -f2 | grep -oE '`[a-z_]+`' | tr -d '`')
bad=$(
	for key in $option_keys; do
		case $key in
		*.*)
			awk -F'|' -v g="\`${key%%.*}\`" 'index($2, g)' <<<"$readme_options" \
				| grep -E "[\`']${key#*.}[\`']" >/dev/null || echo "$key: options.c has it, the README's line of ${key%%.*} does not";;
		*)
			grep -qx "$key" <<<"$readme_keys" || echo "$key: options.c has it, the README's Options table does not";;
		esac
	done
	for key in $readme_keys; do
		grep -qx "$key" <<<"$option_keys" || echo "$key: the README's Options table has it, options.c does not"
	done
)
if [ -n "$bad" ]; then
	printf '%s\n' "$bad" >&2
	echo "tests/run.sh: options.c's table and the README's Options section must list the same options (above)" >&2
	exit 1
fi

# The core's folders and the arrows between them (README, Layout): a folder
# includes only its own headers and those of the folders below it, each
# named from src/ ("base/error.h").
declare -A allowed=(
	[base]="base"
	[sys]="base sys"
	[layout]="base sys layout"
	[git]="base sys layout git"
	[app]="base sys app"
	[nginx]="base sys nginx"
	[release]="base sys layout git app release"
	[service]="base sys layout app nginx service"
	[ops]="base sys layout ops"
	[pipeline]="base sys layout git app release nginx service fleet ops pipeline"
	[fleet]="base fleet"
)
bad=$(for f in $(find src -name "*.[ch]" | sort); do
	from=${f#src/}
	from=${from%%/*}
	[ -n "${allowed[$from]:-}" ] || { echo "$f: not in a folder tests/run.sh knows"; continue; }
	grep -n '^#include "' "$f" | while IFS= read -r line; do
		to=$(printf '%s' "$line" | sed -n 's/^[0-9]*:#include "\([a-z_]*\)\/[a-z_]*\.h".*/\1/p')
		case " ${allowed[$from]} " in
		*" ${to:-?} "*) ;;
		*) echo "$f:$line";;
		esac
	done
done)
if [ -n "$bad" ]; then
	printf '%s\n' "$bad" >&2
	echo "tests/run.sh: the includes above break src/'s layout (README, Layout: which folder may include which, as \"folder/file.h\")" >&2
	exit 1
fi

# The glue (the top-level *.c and *.h) enters the core by one door:
# src/pipeline/releaser.h declares every operation the PHP face offers.
folders=$(IFS='|'; echo "${!allowed[*]}")
bad=$(git ls-files ':(glob)*.c' ':(glob)*.h' | xargs grep -nE "#include *\"(src/|($folders)/)" \
	| grep -v '#include "pipeline/releaser.h"' || true)
if [ -n "$bad" ]; then
	printf '%s\n' "$bad" >&2
	echo "tests/run.sh: the PHP glue includes no core header but src/pipeline/releaser.h (lines above): declare the call there" >&2
	exit 1
fi

# run-tests.php writes, then deletes, <test>.sh beside each test: a test
# named like one of our scripts would delete it.
for script in $(git ls-files 'tests/*.sh' 2>/dev/null || echo tests/run.sh tests/fuzz.sh); do
	if [ -e "${script%.sh}.phpt" ]; then
		echo "tests/run.sh: ${script%.sh}.phpt would overwrite $script; rename the test" >&2
		exit 1
	fi
done

# A test that its timings keep from valgrind also runs alone in the parallel
# suite (below): its SKIPIF skips it under valgrind, and its --CONFLICTS--
# section says "all". A test skipped there for another reason says so
# with "not timing-bound".
for t in tests/*.phpt; do
	if grep -qE "(USE_ZEND_ALLOC'\) === '0'|VALGRIND_OPTS'\) !== false)\) die" "$t" &&
		! grep -q 'not timing-bound' "$t" && ! grep -qzP '\n--CONFLICTS--\nall\n' "$t"; then
		echo "tests/run.sh: $t skips under valgrind for its timings: give it a --CONFLICTS-- section saying all (it runs alone)" >&2
		exit 1
	fi
done

# The committed arginfo must match the stub, and package.xml the tracked files.
tools/gen-arginfo.sh --check
tools/package-xml.php --check

# --- the parsers' C checks --------------------------------------------------------
# Each tests/fuzz/<name>_check.c (tests/fuzz/targets.sh) built with gcc
# against its src/ files and run, no PHP: -O0, as they build in a few seconds
# and run in a fraction of one. Only their failures and summary lines are
# shown. tests/fuzz.sh runs them again under ASan and UBSan.
source tests/fuzz/targets.sh
checks_dir=$(mktemp -d /tmp/bluegreen-checks.XXXXXX)
log=
trap 'rm -rf "$checks_dir" ${log:+"$log" "$log.beside" "$log.alone"}' EXIT
for t in "${checks[@]}"; do
	# shellcheck disable=SC2086 # the lists split on spaces
	gcc -g -O0 -Isrc -D_GNU_SOURCE -std=gnu11 -Wall -Wextra -Werror ${check_ldflags[$t]:-} \
		-o "$checks_dir/$t" "tests/fuzz/${t}_check.c" ${sources[$t]} &
done
wait_failed=0
for job in $(jobs -p); do
	wait "$job" || wait_failed=1
done
if [ "$wait_failed" = 1 ]; then
	echo "tests/run.sh: a check program of tests/fuzz/ does not build (above)" >&2
	exit 1
fi
for t in "${checks[@]}"; do
	rc=0
	timeout -k 5 60 "$checks_dir/$t" >"$checks_dir/$t.out" 2>&1 || rc=$?
	grep -v '^ok ' "$checks_dir/$t.out" || true
	if [ "$rc" != 0 ]; then
		echo "tests/run.sh: tests/fuzz/${t}_check.c failed (exit $rc, above)" >&2
		exit 1
	fi
done

# --- run the suite -----------------------------------------------------------
source tests/phpt-lib.sh
phpt_split "$@"

# One test per core (or run-tests.php's -j as given) for the tests that
# survive valgrind's tenfold slowdown: they do not mind a neighbour. Then the
# timing-bound ones (--CONFLICTS-- all) one at a time, alone, in a run-tests.php
# of their own: in -j mode run-tests.php's workers pass its listening socket
# down to every process a test starts (PHP's sockets are not close-on-exec),
# nginx included, whose old workers then hold a listening socket after a
# reload that is not nginx's, and the switch's proof waits for them to exit.
phpt_alone=()
phpt_beside=()
while IFS= read -r -d '' t; do
	if grep -qzP '\n--CONFLICTS--\nall\n' "$t"; then phpt_alone+=("$t"); else phpt_beside+=("$t"); fi
done < <(find "${phpt_tests[@]}" -name '*.phpt' -print0 | sort -z)
phpt_serial_args=()
parallel=
for arg in "${phpt_args[@]}"; do
	if [[ "$arg" == -j* ]]; then parallel=given; else phpt_serial_args+=("$arg"); fi
done
if [ -z "$parallel" ] && [ "$(nproc)" -gt 1 ]; then
	phpt_args+=(-j"$(nproc)")
fi

# Under valgrind (-m), run-tests.php traces every child. What the extension
# runs lives in the test's PHP process; its children (the git CLI making
# repositories, build steps, helper servers) are other programs, slowed
# tenfold under valgrind, and a build step listing its descriptors would see
# valgrind's own. And PCRE's JIT code reads memory in ways valgrind cannot
# follow: the tests' own preg_* calls run without it there.
# valgrind's default (--leak-check=summary) prints nothing for a leak, and a
# test passes: every definitely lost block is shown, and is an error (PHP's
# own still-reachable caches are not). The git child (src/git/git_child.c) is a
# fork that ends with _exit, freeing nothing on purpose: its memory goes with
# it, and only the process that lives on must not lose any.
for arg in "${phpt_args[@]}"; do
	if [ "$arg" = "-m" ]; then
		export VALGRIND_OPTS="--trace-children-skip=* --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --child-silent-after-fork=yes"
		phpt_args+=(-d pcre.jit=0)
	fi
done

log=$(mktemp /tmp/bluegreen-tests.XXXXXX)
if [ ${#phpt_beside[@]} -gt 0 ]; then
	phpt_tests=("${phpt_beside[@]}")
	phpt_run "$php" "$top/modules/bluegreen.so" "$log.beside"
	cat "$log.beside" >>"$log"
fi
if [ ${#phpt_alone[@]} -gt 0 ]; then
	phpt_tests=("${phpt_alone[@]}")
	phpt_args=("${phpt_serial_args[@]}")
	phpt_run "$php" "$top/modules/bluegreen.so" "$log.alone"
	cat "$log.alone" >>"$log"
fi
rm -f "$log.beside" "$log.alone"
phpt_summary "$log" phpt
