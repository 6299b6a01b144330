/* bluegreen core: file system helpers shared by every module. */
#ifndef BG_FS_H
#define BG_FS_H

#include "base/error.h"

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

/* Where base/rel leads in the end, symlinks followed (realpath, malloc'd in
 * *resolved): 1 when that is base itself or below it, 0 when it leads
 * outside, -1 (errno set, *resolved NULL) when it does not resolve. */
int bg_path_resolve_inside(const char *base, const char *rel, char **resolved);

/* 1 when a component of rel below base (base/a, base/a/b, ..., the last
 * one excluded) exists and is a symlink, else 0. */
int bg_path_has_symlink(const char *base, const char *rel);

/* 1 when path exists (lstat: a dangling symlink exists), else 0. */
int bg_path_exists(const char *path);

/* Reads a whole file into a malloc'd, NUL-terminated buffer. */
int bg_read_file(const char *path, char **data, size_t *len, bg_code code, bg_error *err);

/* Replaces a file's content so that a reader (or a crash) sees the old bytes
 * or the new ones, never a mix: a temporary file beside it (O_EXCL) with the
 * same mode and owner, fsync, rename over it, fsync of the directory. A
 * symlink is written through to its target and stays a link. */
int bg_write_file_atomic(const char *path, const char *data, size_t len, bg_code code, bg_error *err);

#endif
