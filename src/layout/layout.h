/* bluegreen core: where things live under releases_dir.
 *
 *   releases_dir/release-<UTC>-<short sha>/   one directory per release
 *   releases_dir/shared/                       the targets of `shared` links
 *   releases_dir/.bluegreen/logs/<release>.log build output, then the service's own
 *   releases_dir/.bluegreen/                   cache, state, lock */
#ifndef BG_LAYOUT_H
#define BG_LAYOUT_H

#include "base/error.h"
#include "base/options.h"

/* The output file of the release at release_path (malloc'd), its directory
 * created; NULL with err set on failure. */
char *bg_layout_output_log(const bg_options *opt, const char *release_path, bg_code code, bg_error *err);

/* The release-* directories of releases_dir, as full paths, oldest first
 * (their names start with their UTC creation time). */
int bg_layout_releases(const bg_options *opt, char ***paths);

/* Whether a directory name is a release's. */
int bg_layout_is_release(const char *name);

/* The last path component ("release-20261125T010203-abc1234"). */
const char *bg_layout_basename(const char *path);

#endif
