/* bluegreen core: prepare — a new release made ready beside the live one:
 * its working tree at one commit (git), the shared paths linked into it,
 * and its build steps run. Nothing of a release that failed half-way is
 * left behind. */
#ifndef BG_PREPARE_H
#define BG_PREPARE_H

#include "base/error.h"
#include "base/log.h"
#include "base/options.h"
#include "layout/release.h"

/* Fills out (bg_release_free it) on success. Errors: BG_ERR_VALUE for a
 * commit_spec that is not a full or abbreviated sha, BG_ERR_GIT, and
 * BG_ERR_BUILD for the shared links and build steps. */
int bg_prepare(const bg_options *opt, const bg_logger *log, const char *commit_spec,
	bg_release *out, bg_error *err);

#endif
