# shellcheck shell=bash disable=SC2034 # sourced: tests/run.sh and tests/fuzz.sh use these
# The C-level tests of the core's parsers, one list for the two scripts that
# run them (sourced): tests/run.sh builds and runs every check program
# (tests/fuzz/<name>_check.c) with gcc before the .phpt suite; tests/fuzz.sh
# runs them again under ASan and UBSan, then fuzzes each fuzz target
# (tests/fuzz/<name>_fuzz.c) in turn.

# Every check program, and the src/ files it is built with (json_harness.c is
# src/base/json.c with the reads and writes only the checks and the fuzzer use;
# error.c masks every message with url.c, and cuts one that does not fit with
# strv.c).
checks=(nginx_conf json portfile known_hosts url netaddr)
declare -A sources=(
	[nginx_conf]="src/nginx/nginx_conf.c src/base/strv.c src/base/url.c src/base/error.c"
	[json]="tests/fuzz/json_harness.c src/base/strv.c src/base/url.c src/base/error.c"
	[portfile]="src/app/portfile.c src/base/fs.c src/base/strv.c src/base/url.c src/base/error.c"
	[known_hosts]="src/git/known_hosts.c src/base/strv.c src/base/url.c src/base/error.c"
	[url]="src/base/url.c src/base/strv.c src/base/error.c"
	# netaddr_check.c includes src/sys/proc.c itself (its /proc/net/tcp line reader is static)
	[netaddr]="src/base/netaddr.c src/sys/sockdiag.c src/base/clock.c src/base/strv.c src/base/url.c src/base/error.c"
)
# json_check fails allocations on demand through these wrappers.
declare -A check_ldflags=([json]="-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc")

# The fuzz targets, in the order they run: the parsers of text that comes
# from outside (a commit's port file, a known_hosts file, remote URLs and the
# messages that carry them) and of the files bluegreen itself reads back.
targets=(nginx_conf json portfile known_hosts url)
declare -A corpus=(
	[nginx_conf]=tests/fuzz/corpus
	[json]=tests/fuzz/corpus-json
	[portfile]=tests/fuzz/corpus-portfile
	[known_hosts]=tests/fuzz/corpus-known_hosts
	[url]=tests/fuzz/corpus-url
)
# A dictionary where there is one.
declare -A dict=([nginx_conf]=tests/fuzz/nginx_conf.dict [json]=tests/fuzz/json.dict)
