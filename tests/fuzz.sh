#!/usr/bin/env bash
# Fuzzes the parsers of src/ with libFuzzer: the nginx configuration parser
# (src/nginx/nginx_conf.c), the JSON reader and writer (src/base/json.c), the
# port files (src/app/portfile.c), known_hosts (src/git/known_hosts.c) and
# URLs (src/base/url.c); tests/fuzz/targets.sh lists them.
#
#   tests/fuzz.sh          the exact checks, then 60 s of fuzzing in all
#   tests/fuzz.sh 300      the same with 300 s of fuzzing, split between targets
#
# First it builds and runs every check program, tests/fuzz/<name>_check
# (ASan + UBSan; tests/run.sh runs them too, without), then fuzzes each
# tests/fuzz/<target>_fuzz.c in turn for its share of the time (at least 1 s
# each: 6 s each of CI's 30), starting from a copy of its seed
# corpus in a temporary directory so that the inputs it finds stay out of the
# repository. It fails on a failed check, a crash, a broken property, a leak
# or undefined behaviour, and then keeps the temporary directory (the input
# that failed and the log) and says where it is. It prints one line per target:
# "fuzz <target>: N executions in S s, corpus N inputs (N new)".
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

seconds=${1:-60}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: tests/fuzz.sh [seconds]" >&2
	exit 2
fi

# --- clang and its fuzzer runtime, by Debian package --------------------------
packages=(clang libclang-rt-14-dev)
bash tests/install-packages.sh tests/fuzz.sh "${packages[@]}"

work=$(mktemp -d /tmp/bluegreen-fuzz.XXXXXX)
child=
keep=0
cleanup() {
	if [ -n "$child" ]; then
		kill "$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	if [ "$keep" = 1 ]; then
		echo "tests/fuzz.sh: kept $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The check programs and fuzz targets, their sources, seed corpora and dictionaries.
source tests/fuzz/targets.sh

cflags=(-g -O1 -Isrc -D_GNU_SOURCE -std=gnu11 -Wall -Wextra -Werror -fno-sanitize-recover=all)
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# Runs a command under timeout(1) in the background, where the EXIT trap can
# stop it, and returns its exit status.
run_bounded() {
	local limit=$1 rc=0

	shift
	timeout -k 10 "$limit" "$@" &
	child=$!
	wait "$child" || rc=$?
	child=
	return "$rc"
}

# --- build ------------------------------------------------------------------------
# Every check program and fuzz target at once (clang with the sanitizers takes
# longer than the checks run): all are waited for before anything runs.
builds=()
for t in "${checks[@]}"; do
	# shellcheck disable=SC2086 # the lists split on spaces
	clang "${cflags[@]}" -fsanitize=address,undefined ${check_ldflags[$t]:-} -o "$work/${t}_check" \
		"tests/fuzz/${t}_check.c" ${sources[$t]} &
	builds+=($!)
done
for t in "${targets[@]}"; do
	mkdir "$work/$t"
	# shellcheck disable=SC2086
	clang "${cflags[@]}" -fsanitize=fuzzer,address,undefined -o "$work/$t/fuzz" \
		"tests/fuzz/${t}_fuzz.c" ${sources[$t]} &
	builds+=($!)
done
built=1
for pid in "${builds[@]}"; do
	wait "$pid" || built=0
done
if [ "$built" = 0 ]; then
	echo "tests/fuzz.sh: a check program or fuzz target of tests/fuzz/ does not build (above)" >&2
	exit 1
fi

# --- the exact checks ------------------------------------------------------------
for t in "${checks[@]}"; do
	rc=0
	run_bounded 120 "$work/${t}_check" || rc=$?
	if [ "$rc" != 0 ]; then
		echo "tests/fuzz.sh: ${t}_check failed (exit $rc)" >&2
		exit 1
	fi
done

# --- fuzzing ---------------------------------------------------------------------
# Fuzzes target $1 (built in $work/$1) for $2 seconds there.
fuzz() {
	local t=$1 secs=$2 dir=$work/$1 rc=0 seeds execs size

	mkdir "$dir/artifacts"
	cp -r "${corpus[$t]}" "$dir/corpus"
	seeds=$(find "$dir/corpus" -type f | wc -l)

	echo "tests/fuzz.sh: fuzzing $t for $secs s from $seeds seeds"
	# -max_total_time bounds the run; timeout(1) is the backstop should one
	# input hang past -timeout.
	run_bounded $((secs + 120)) "$dir/fuzz" \
		-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		${dict[$t]:+-dict="${dict[$t]}"} -print_final_stats=1 \
		-artifact_prefix="$dir/artifacts/" "$dir/corpus" >"$dir/fuzz.log" 2>&1 || rc=$?

	if [ "$rc" != 0 ]; then
		keep=1
		tail -n 60 "$dir/fuzz.log" >&2
		echo "tests/fuzz.sh: fuzzing $t failed (exit $rc); log $dir/fuzz.log, input(s):" >&2
		ls "$dir/artifacts" >&2
		exit 1
	fi

	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log")
	size=$(find "$dir/corpus" -type f | wc -l)
	echo "fuzz $t: ${execs:-?} executions in $secs s, corpus $size inputs ($((size - seeds)) new)"
}

# An even split, the remainder to the first targets; at least 1 s each, as
# -max_total_time=0 would mean no limit.
n=${#targets[@]}
for i in "${!targets[@]}"; do
	secs=$((seconds / n + (i < seconds % n)))
	fuzz "${targets[$i]}" $((secs > 0 ? secs : 1))
done
