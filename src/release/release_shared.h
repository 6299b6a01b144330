/* bluegreen core: the `shared` paths — files and directories that outlive
 * releases (.env, Log/, Temp/) — kept in releases_dir/shared/ and symlinked
 * into every release. */
#ifndef BG_RELEASE_SHARED_H
#define BG_RELEASE_SHARED_H

#include "base/error.h"
#include "base/log.h"
#include "base/options.h"
#include "layout/release.h"

/* For each path p of opt->shared: releases_dir/shared/p is created on first
 * use (a directory when p ends in '/', else an empty file), and
 * release/p becomes a symlink to it, replacing what the checkout has there.
 * Fails with BG_ERR_BUILD naming the path. */
int bg_release_link_shared(const bg_options *opt, const bg_release *rel, const bg_logger *log,
	bg_error *err);

#endif
