# Sourced by tests/run.sh and tests/asan.sh: running the .phpt suite with
# run-tests.php and reading its verdict, the same way for both.

# phpt_split ARGS...: run-tests.php options into phpt_args, tests and
# directories into phpt_tests (the whole tests/ when none is named).
phpt_split() {
	phpt_args=()
	phpt_tests=()
	local arg
	for arg in "$@"; do
		if [[ "$arg" == *.phpt || -d "$arg" ]]; then phpt_tests+=("$arg"); else phpt_args+=("$arg"); fi
	done
	[ ${#phpt_tests[@]} -gt 0 ] || phpt_tests=(tests)
}

# phpt_run TEST_PHP EXTENSION LOG: the suite, each test run by TEST_PHP with
# EXTENSION loaded, shown and kept in LOG. Its exit status is not the
# verdict: phpt_summary reads that from LOG.
phpt_run() {
	set +e
	TEST_PHP_EXECUTABLE="$1" NO_INTERACTION=1 php run-tests.php -q --show-diff \
		-d "extension=$2" "${phpt_args[@]}" "${phpt_tests[@]}" 2>&1 | tee "$3"
	set -e
}

# phpt_summary LOG LABEL [MORE_FAILED]: (LOG may hold several runs' output) prints "LABEL: N passed, N failed,
# N skipped", counting WARN, LEAK and BORK as failures (and MORE_FAILED);
# returns 0 only when nothing failed and some test ran.
phpt_summary() {
	local log=$1 label=$2 passed skipped failed
	phpt_count() { # the number on run-tests.php's summary line "Tests <what> : N"
		local n
		# summed over the run-tests.php runs whose output LOG holds
		grep -E "^Tests $1 *:" "$log" | sed -E 's/^[^:]*: *([0-9]+).*/\1/' | awk '{ n += $1 } END { print n + 0 }'
	}
	passed=$(phpt_count passed)
	skipped=$(phpt_count skipped)
	failed=$(( $(phpt_count failed) + $(phpt_count warned) + $(phpt_count leaked) \
		+ $(grep -c '^BORK' "$log" || true) + ${3:-0} ))
	if [ "$passed" = 0 ] && [ "$failed" = 0 ]; then
		echo "$label: run-tests.php ran no test" >&2
		failed=1
	fi
	phpt_why "$log"
	echo "$label: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" = 0 ]
}

# phpt_why LOG: for each test LOG's summaries list as FAILED or LEAKED, a few
# lines saying why: the first differing lines of its .diff ("NNN+" what it
# printed, "NNN-" what was expected), or the start of its valgrind report
# (.mem). CI keeps only the tail of the output, where --show-diff's full
# diffs have scrolled away: the whole block stays within ~50 lines however
# many tests failed (at most 15 lines for each of the first 3, fewer for
# more), each line cut to 200 characters. Nothing is printed when all passed.
phpt_why() {
	local log=$1 tests file n=0 lines
	tests=$(awk '/^(FAILED|LEAKED) TEST SUMMARY$/ { on = 1; next } on && /^=+$/ { on = 0 } on' "$log" \
		| sed -nE 's/.*\[([^]]*\.phpt)\].*/\1/p' | awk '!seen[$0]++')
	[ -n "$tests" ] || return 0
	n=$(printf '%s\n' "$tests" | wc -l)
	lines=$(( 45 / n ))
	[ "$lines" -le 15 ] || lines=15
	[ "$lines" -ge 3 ] || lines=3
	echo "--- why they failed (first $lines differing lines each: NNN+ printed, NNN- expected)"
	# awk, not head, cuts the lists: under pipefail a writer that head
	# leaves behind would die of SIGPIPE and fail the suite.
	printf '%s\n' "$tests" | awk 'NR <= 12' | while IFS= read -r file; do
		if [ -f "${file%.phpt}.diff" ]; then
			echo "$file:"
			awk -v n="$lines" '/^[0-9]+[+-] / && n-- > 0' "${file%.phpt}.diff"
		elif [ -f "${file%.phpt}.mem" ]; then
			echo "${file%.phpt}.mem:"
			# from valgrind's first error, past its banner
			awk '/definitely lost|Invalid |uninitialised|Mismatched|Syscall param/ { on = 1 } on && !/^==[0-9]+== *$/' \
				"${file%.phpt}.mem" | awk -v n="$lines" 'n-- > 0'
		else
			echo "$file: no .diff or .mem beside it"
		fi
	done | awk '{ if (length($0) > 200) $0 = substr($0, 1, 200) " [cut]"; print }'
	[ "$n" -le 12 ] || echo "... and $((n - 12)) more (FAILED TEST SUMMARY above)"
}
