#include "release/prepare.h"
#include "base/fs.h"
#include "git/git.h"
#include "app/portfile.h"
#include "release/release_build.h"
#include "release/release_shared.h"

int bg_prepare(const bg_options *opt, const bg_logger *log, const char *commit_spec,
	bg_release *out, bg_error *err)
{
	double t0 = bg_now_ms();
	bg_log_ctx ctx = { "prepare", 0, NULL, 0 };

	if (bg_git_release_checkout(opt, log, commit_spec, out, err) < 0) {
		return -1;
	}
	/* Port files are checked before and after the build: either may have
	 * made one a symlink out of the release. */
	if (bg_portfiles_check(opt->port_files, out->path, BG_ERR_BUILD, err) < 0
		|| bg_release_link_shared(opt, out, log, err) < 0 || bg_release_build(opt, out, log, err) < 0
		|| bg_portfiles_check(opt->port_files, out->path, BG_ERR_BUILD, err) < 0) {
		/* A half-made release must not be mistaken for one ready to start. */
		bg_rm_rf(out->path);
		bg_release_free(out);
		return -1;
	}
	ctx.duration_ms = bg_now_ms() - t0;
	ctx.commit = out->commit;
	bg_log_step(log, BG_LOG_INFO, &ctx, "prepare: release %s ready", out->path);
	return 0;
}
