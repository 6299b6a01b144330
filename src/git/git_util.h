/* bluegreen core: small helpers shared by the modules that use libgit2. */
#ifndef BG_GIT_UTIL_H
#define BG_GIT_UTIL_H

#include "base/error.h"
#include "layout/release.h"

#include <git2.h>

/* Fails with BG_ERR_GIT: the message formatted from fmt, then ": " and
 * libgit2's last error (if any), every URL in it masked. Returns -1. */
int bg_git_fail(bg_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The abbreviation that names a commit in log lines and release names. */
void bg_git_short(const git_oid *oid, char out[BG_SHORT_SHA_LEN + 1]);

/* Whether spec is 4 to 40 hex digits: a full or abbreviated sha. */
int bg_git_sha_spec_valid(const char *spec);

#endif
