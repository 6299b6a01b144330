/* bluegreen core: libgit2 work done in a short-lived forked child.
 *
 * Two reasons. Debian 12's libgit2 1.5.1 leaks PCRE2 match data each time
 * it runs a regex over config keys that does not match (git_remote_lookup,
 * a remote made with a repository, git_clone, ...), about 100 KB per
 * deploy: in a child, that memory goes when the child exits, and the
 * process that polls for months stays flat. And libgit2 1.5 has no server
 * timeout: a remote that accepts and never answers blocks a read for ever,
 * on every transport. The parent waits for the child with a deadline
 * (command_timeout) and SIGKILLs it past it, or as soon as a stop
 * (SIGTERM/SIGINT, see bg_stop_requested) is pending, then cleans what the
 * child may have left half-written in the cache.
 *
 * Results come back through a MAP_SHARED anonymous mapping, not the exit
 * status: inside Swoole, the server's SIGCHLD handler may reap our child
 * first (ECHILD), and the result must survive that. */
#ifndef BG_GIT_CHILD_H
#define BG_GIT_CHILD_H

#include "base/error.h"
#include "base/log.h"
#include "base/options.h"

#include <limits.h>

#define BG_GIT_CHILD_LOG_MAX 16

typedef struct {
	bg_log_level level;
	int port;
	double duration_ms;
	char step[16];
	char commit[41];
	char msg[1024];
} bg_git_child_line;

/* What a child hands back. */
typedef struct {
	int done;                 /* set last, by the child, when the rest is written */
	int rc;                   /* what the child's function returned */
	bg_error err;             /* its error when rc < 0 */
	char phase[64];           /* what it was doing last (bg_git_phase) */
	double net_since;         /* bg_now_ms() when its current run of network phases began; 0 in a local one */
	char sha[41];             /* results: check's head, */
	int changed;
	char rel_path[PATH_MAX];  /* a release directory the child made (removed if it is killed) */
	char rel_commit[41];
	long long rel_created_at;
	int nlines;               /* log lines, replayed by the parent in order */
	bg_git_child_line lines[BG_GIT_CHILD_LOG_MAX];
} bg_git_result;

/* The work, run in the child: log goes to the result's lines. */
typedef int (*bg_git_child_fn)(void *arg, bg_git_result *res, const bg_logger *log, bg_error *err);

/* Runs fn(arg) in a forked child, bounded by opt->command_timeout, and
 * replays its log lines into log. On success *res is the child's result
 * (bg_git_result_free it); on failure err is the child's own error, or
 * "<what> <remote>: timed out after N s (command_timeout) during <phase>",
 * or "... interrupted by SIGTERM during <phase>" (BG_ERR_GIT; *res NULL).
 * `remote` is the masked URL. */
int bg_git_child_run(const bg_options *opt, const bg_logger *log, const char *what,
	const char *remote, bg_git_child_fn fn, void *arg, bg_git_result **res, bg_error *err);
void bg_git_result_free(bg_git_result *res);

/* In the child: what it is doing now ("connect and ref advertisement",
 * "negotiation and pack transfer", "checkout"), named by a timeout, and
 * whether it waits on the remote. Nothing in the parent. */
void bg_git_phase(const char *phase, int network);

#endif
