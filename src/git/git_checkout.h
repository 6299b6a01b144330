/* bluegreen core: writing a release's working tree at one commit. */
#ifndef BG_GIT_CHECKOUT_H
#define BG_GIT_CHECKOUT_H

#include "base/error.h"

#include <git2.h>

/* Points refname (the local branch) at exactly oid, makes it HEAD, and
 * writes the working tree and index of a freshly cloned, empty worktree,
 * so that `git rev-parse HEAD` there names oid and `git status` is clean.
 * With refname NULL, HEAD is detached at oid (a submodule's checkout). */
int bg_git_checkout_commit(git_repository *repo, const git_oid *oid, const char *refname,
	bg_error *err);

#endif
