/* bluegreen core: everything done with libgit2 — noticing a new version on
 * the remote, and making a working tree of it beside the live release. */
#ifndef BG_GIT_H
#define BG_GIT_H

#include "base/error.h"
#include "base/log.h"
#include "base/options.h"
#include "layout/release.h"

/* The full sha of the HEAD of the repository at dir. */
int bg_git_head(const char *dir, char sha[41], bg_error *err);

/* BG_ERR_VALUE unless spec is a full or abbreviated sha (no ref names,
 * nothing that could name a path). */
int bg_git_check_sha_spec(const char *spec, bg_error *err);

/* Whether `branch` can name refs/heads/<branch>. */
int bg_git_branch_name_valid(const char *branch);

/* libgit2's global state, once per process around every other call. */
void bg_git_global_init(void);
void bg_git_global_shutdown(void);

/* The libgit2 the extension runs on, for phpinfo(). */
typedef struct {
	char version[32];
	int https, ssh, threads;
} bg_git_library;
void bg_git_library_info(bg_git_library *out);

/* Whether `branch` of the remote has moved away from live_commit (a full
 * sha; NULL: the HEAD of root). An unchanged remote costs the reading of
 * its branch (bg_git_remote_head), and nothing is fetched or written. A moved one is
 * fetched into the cache; *changed is then 1 and new_sha holds its head,
 * and old..new with its diff stat is logged. Fails with BG_ERR_GIT, and
 * then leaves the disk as it was. The libgit2 work runs in the git child
 * (git_child.h), bounded by command_timeout and by a stop request; only an
 * unchanged remote on this machine is listed in-process. */
int bg_git_check(const bg_options *opt, const bg_logger *log, const char *live_commit,
	char new_sha[41], int *changed, bg_error *err);

/* Makes releases_dir/release-<UTC time>-<short sha>/, a working tree at
 * exactly commit_spec (a full or unambiguous short sha, else BG_ERR_VALUE)
 * whose origin is the real remote: a hardlinked local clone of the cache,
 * which fetches only when it lacks the commit. Fills out; on failure
 * removes the directory. Runs in the git child, as bg_git_check(). */
int bg_git_release_checkout(const bg_options *opt, const bg_logger *log, const char *commit_spec,
	bg_release *out, bg_error *err);

#endif
