/* bluegreen core: file system helpers shared by every module. */
#ifndef BG_FS_H
#define BG_FS_H

#include "error.h"

#include <stddef.h>

/* Collapses "//", "/./" and "dir/.." of an absolute path in place, without
 * looking at the disk (symlinks stay links). */
void bg_path_normalize(char *path);

#endif
