/* bluegreen core: file system helpers shared by every module. */
#ifndef BG_FS_H
#define BG_FS_H

#include "error.h"

#include <stddef.h>

/* Collapses "//", "/./" and "dir/.." of an absolute path in place, without
 * looking at the disk (symlinks stay links). */
void bg_path_normalize(char *path);

/* mkdir -p: creates path and its missing parents (mode 0755). */
int bg_mkdir_p(const char *path, bg_code code, bg_error *err);

/* Reads a whole file into a malloc'd, NUL-terminated buffer. */
int bg_read_file(const char *path, char **data, size_t *len, bg_code code, bg_error *err);

/* Replaces a file's content so that a reader (or a crash) sees the old bytes
 * or the new ones, never a mix: a temporary file beside it (O_EXCL) with the
 * same mode and owner, fsync, rename over it, fsync of the directory. A
 * symlink is written through to its target and stays a link. */
int bg_write_file_atomic(const char *path, const char *data, size_t len, bg_code code, bg_error *err);

#endif
