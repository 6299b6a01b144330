/* bluegreen core: a release's git submodules, checked out recursively at
 * the commits their superproject records. Each submodule URL has a bare
 * cache of its own, bg_layout_submodule_cache_path(),
 * which fetches (through bg_git_remote_fetch, as the release's cache does)
 * only when it lacks the recorded commit, and only what it lacks; the
 * submodule's tree is a local clone of it with hardlinked objects. */
#ifndef BG_GIT_SUBMODULE_H
#define BG_GIT_SUBMODULE_H

#include "base/error.h"
#include "base/log.h"
#include "base/options.h"

#include <git2.h>

/* Checks out every submodule of repo (a release's fresh checkout whose
 * origin is url), and theirs. A relative submodule URL ("../lib.git") is
 * taken from url, as git does. A submodule that cannot be had fails with
 * BG_ERR_GIT naming its path and its (masked) URL. Does nothing, and calls
 * no libgit2 submodule function, when the tree has no .gitmodules. */
int bg_git_submodules_checkout(const bg_options *opt, const bg_logger *log, git_repository *repo,
	const char *url, bg_error *err);

/* A submodule URL as git resolves it: "./x" and "../x" relative to the
 * superproject's URL base ("/srv/app.git" + "../lib.git" is "/srv/lib.git",
 * "git@host:org/app.git" + "../lib.git" is "git@host:org/lib.git"); any
 * other URL as it is. Malloc'd; NULL when out of memory or when "../"
 * climbs above base. */
char *bg_git_submodule_url(const char *base, const char *url);

#endif
