#!/usr/bin/env bash
# Fuzzes the nginx configuration parser (src/nginx_conf.c) with libFuzzer.
#
#   tests/fuzz.sh          the exact checks, then 60 s of fuzzing
#   tests/fuzz.sh 300      the same with 300 s of fuzzing
#
# First it builds and runs tests/fuzz/nginx_conf_check (ASan + UBSan), then
# fuzzes tests/fuzz/nginx_conf_fuzz.c, starting from a copy of
# tests/fuzz/corpus in a temporary directory so that the inputs it finds stay
# out of the repository. It fails on a failed check, a crash, a broken
# property, a leak or undefined behaviour, and then keeps the temporary
# directory (the input that failed and the log) and says where it is.
# It ends with "fuzz: N executions in S s, corpus N inputs (N new)".
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

cflags=(-g -O1 -D_GNU_SOURCE -std=gnu11 -Wall -Wextra -Werror -fno-sanitize-recover=all)
sources=(src/nginx_conf.c src/error.c)
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# --- the exact checks ------------------------------------------------------------
clang "${cflags[@]}" -fsanitize=address,undefined -o "$work/nginx_conf_check" \
	tests/fuzz/nginx_conf_check.c "${sources[@]}"
rc=0
run_bounded 120 "$work/nginx_conf_check" || rc=$?
if [ "$rc" != 0 ]; then
	echo "tests/fuzz.sh: nginx_conf_check failed (exit $rc)" >&2
	exit 1
fi

# --- fuzzing ---------------------------------------------------------------------
clang "${cflags[@]}" -fsanitize=fuzzer,address,undefined -o "$work/nginx_conf_fuzz" \
	tests/fuzz/nginx_conf_fuzz.c "${sources[@]}"
cp -r tests/fuzz/corpus "$work/corpus"
mkdir "$work/artifacts"
seeds=$(find "$work/corpus" -type f | wc -l)

echo "tests/fuzz.sh: fuzzing for $seconds s from $seeds seeds"
# -max_total_time bounds the run and -timeout each input; timeout(1) is the
# backstop should libFuzzer itself get stuck.
rc=0
run_bounded $((seconds + 120)) "$work/nginx_conf_fuzz" \
	-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-dict=tests/fuzz/nginx_conf.dict -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/fuzz.log" 2>&1 || rc=$?

if [ "$rc" != 0 ]; then
	keep=1
	tail -n 60 "$work/fuzz.log" >&2
	echo "tests/fuzz.sh: the fuzzer failed (exit $rc); log $work/fuzz.log, input(s):" >&2
	ls "$work/artifacts" >&2
	exit 1
fi

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log")
size=$(find "$work/corpus" -type f | wc -l)
echo "fuzz: ${execs:-?} executions in $seconds s, corpus $size inputs ($((size - seeds)) new)"
