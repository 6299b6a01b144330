/* bluegreen core: where things live under releases_dir — the one module that
 * makes and reads these names (tests/run.sh checks):
 *
 *   releases_dir/release-<UTC>-<short sha>[-N]/  one directory per release
 *   releases_dir/shared/                         the targets of `shared` links
 *   releases_dir/.bluegreen/                     bluegreen's own files:
 *     state.json, lock, cache.git, submodules/<name>-<hash>.git,
 *     logs/<release>.log (build output, then the service's own),
 *     history.jsonl (and history.jsonl.1, rotated), metrics.json,
 *     logs/hooks.log (hooks run before any release exists),
 *     wake (rewritten by wake(): run() ticks at once),
 *     live.sock (socket switch: the symlink nginx's upstream names),
 *     run/<port>.sock (socket switch: the unix socket of each port of the pair) */
#ifndef BG_LAYOUT_H
#define BG_LAYOUT_H

#include "base/error.h"
#include "base/options.h"
#include "layout/release.h"

/* The names of releases_dir's entries, for messages that name them. */
#define BG_LAYOUT_OWN_DIR ".bluegreen"
#define BG_LAYOUT_STATE_FILE BG_LAYOUT_OWN_DIR "/state.json"
#define BG_LAYOUT_RELEASE_PREFIX "release-"
#define BG_LAYOUT_SHARED_DIR "shared"
#define BG_LAYOUT_HOOKS_LOG "hooks"
#define BG_LAYOUT_WAKE_FILE "wake"

/* Paths under releases_dir, malloc'd; NULL when out of memory. */
char *bg_layout_own_dir(const bg_options *opt);      /* .bluegreen */
char *bg_layout_state_path(const bg_options *opt);   /* .bluegreen/state.json */
char *bg_layout_lock_path(const bg_options *opt);    /* .bluegreen/lock */
char *bg_layout_wake_path(const bg_options *opt);    /* .bluegreen/wake: wake() rewrites it */
char *bg_layout_cache_path(const bg_options *opt);   /* .bluegreen/cache.git */
/* .bluegreen/history.jsonl: one JSON line per deploy, rollback, heal or
 * refusal; .bluegreen/history.jsonl.1 its rotated predecessor */
char *bg_layout_history_path(const bg_options *opt);
char *bg_layout_history_old_path(const bg_options *opt);
#define BG_LAYOUT_HISTORY_FILE BG_LAYOUT_OWN_DIR "/history.jsonl"
/* .bluegreen/metrics.json: the counters behind metrics_file, kept across restarts */
char *bg_layout_counters_path(const bg_options *opt);
/* .bluegreen/submodules/<name>-<hash as 16 hex digits>.git */
char *bg_layout_submodule_cache_path(const bg_options *opt, const char *name, unsigned long long hash);
/* .bluegreen/logs/<release>.log, of the release at release_path; with
 * release_path NULL, .bluegreen/logs/hooks.log */
char *bg_layout_log_path(const bg_options *opt, const char *release_path);
/* Socket switch: fills opt->sockets (.bluegreen/run/<port>.sock) and, when
 * the option left it unset, opt->live_socket (.bluegreen/live.sock). Fails
 * with BG_ERR_CONFIG when a path does not fit a unix socket address. */
int bg_layout_sockets(bg_options *opt, bg_error *err);

/* Creates the directory the sockets live in (.bluegreen/run). */
int bg_layout_sockets_dir(const bg_options *opt, bg_error *err);

/* shared/<rel> */
char *bg_layout_shared_path(const bg_options *opt, const char *rel);

/* The output file of the release at release_path (malloc'd), its directory
 * created; NULL with err set on failure. */
char *bg_layout_output_log(const bg_options *opt, const char *release_path, bg_code code, bg_error *err);

/* Creates the directory of a new release of r->commit (which must be set):
 * releases_dir/release-<UTC yyyymmddTHHMMSS>-<short sha>, with "-2",
 * "-3"... when a release of that commit was made in the same second. Sets
 * r->path and r->created_at. */
int bg_layout_release_create(const char *releases_dir, bg_release *r, bg_error *err);

/* A release directory's name, read back. */
typedef struct {
	char stamp[16];                     /* its UTC creation time, yyyymmddTHHMMSS */
	char sha[BG_SHORT_SHA_LEN + 1];     /* its commit's short sha */
	int n;                              /* 1, or N of a "-N" suffix */
} bg_release_name;

/* Parses a release directory's name (or the last component of its path);
 * -1 when it is not one bluegreen makes. */
int bg_layout_parse_release_name(const char *name, bg_release_name *out);

/* The stamp a release made at epoch second t would have. */
void bg_layout_stamp(long long t, char out[16]);

/* The release-* directories of releases_dir, as full paths, oldest first
 * (their names start with their UTC creation time). */
int bg_layout_releases(const bg_options *opt, char ***paths);

/* Whether a directory name is a release's. */
int bg_layout_is_release(const char *name);

/* Whether the entry of releases_dir named by the len bytes at name is one
 * bluegreen made: a release, shared/ or .bluegreen/. */
int bg_layout_is_own_entry(const char *name, size_t len);

/* The last path component ("release-20261125T010203-abc1234"). */
const char *bg_layout_basename(const char *path);

#endif
