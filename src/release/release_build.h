/* bluegreen core: a release's build steps (composer install, asset builds),
 * run in the release before it may take traffic. */
#ifndef BG_RELEASE_BUILD_H
#define BG_RELEASE_BUILD_H

#include "base/error.h"
#include "base/log.h"
#include "base/options.h"
#include "layout/release.h"

/* Runs opt->build in the release, one step after another — by default
 * `composer install --no-interaction --no-dev --optimize-autoloader` when the
 * release has a composer.json — each through bg_run (no shell, stdin
 * /dev/null, no inherited descriptor, command_timeout on its whole process
 * group) with BLUEGREEN_COMMIT and BLUEGREEN_RELEASE set. Their output goes
 * to the release's log (bg_layout_output_log). The first step that does
 * not exit 0 fails with BG_ERR_BUILD: the command, how it ended, and the
 * last lines it printed. */
int bg_release_build(const bg_options *opt, const bg_release *rel, const bg_logger *log,
	bg_error *err);

#endif
