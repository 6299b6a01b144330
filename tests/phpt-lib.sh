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
	echo "$label: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" = 0 ]
}
