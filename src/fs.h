/* bluegreen core: file system helpers shared by every module. */
#ifndef BG_FS_H
#define BG_FS_H

#include "error.h"

#include <stddef.h>
#include <sys/types.h>

/* Collapses "//", "/./" and "dir/.." of an absolute path in place, without
 * looking at the disk (symlinks stay links). */
void bg_path_normalize(char *path);

/* Creates path and its missing parents with `mode`, like `mkdir -p`.
 * Fails with `code` naming the path. */
int bg_mkdir_p(const char *path, mode_t mode, bg_code code, bg_error *err);

/* Removes path and everything below it, like `rm -rf`, without following
 * symlinks. A missing path is no error. Returns 0, or -1 with errno set. */
int bg_rm_rf(const char *path);

/* 1 when a component of rel below base (base/a, base/a/b, ..., the last
 * one excluded) exists and is a symlink, else 0. */
int bg_path_has_symlink(const char *base, const char *rel);

/* 1 when path exists (lstat: a dangling symlink exists), else 0. */
int bg_path_exists(const char *path);

#endif
