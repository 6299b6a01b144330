/* Pruning: keep_releases release directories, the oldest removed first,
 * never the live or the previous one (a rollback needs it). */
#include "pipeline/pipeline.h"
#include "base/clock.h"
#include "base/fs.h"
#include "layout/layout.h"
#include "base/strv.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Removes a release and its output log. */
static int remove_release(const bg_options *opt, const char *path)
{
	char *log;

	if (bg_rm_rf(path) < 0) {
		return -1;
	}
	if ((log = bg_layout_log_path(opt, path))) {
		unlink(log);
		free(log);
	}
	return 0;
}

void bg_pipeline_prune(bg_pipeline *p)
{
	const bg_options *opt = &p->r->opt;
	bg_log_ctx ctx = { "prune", -1, NULL, 0 };
	double t0 = bg_now_ms();
	char **releases = NULL;
	size_t n, i, left, removed = 0;

	if (bg_layout_releases(opt, &releases) < 0) {
		bg_log(&p->r->log, BG_LOG_WARNING, "prune: cannot list %s", opt->releases_dir);
		return;
	}
	n = left = bg_strv_len(releases);
	for (i = 0; i < n && left > (size_t) opt->keep_releases; i++) {
		if (bg_pipeline_keeps(&p->st, releases[i])) {
			continue;
		}
		if (remove_release(opt, releases[i]) < 0) {
			bg_log(&p->r->log, BG_LOG_WARNING, "prune: cannot remove %s", releases[i]);
			continue;
		}
		left--;
		removed++;
	}
	ctx.duration_ms = bg_now_ms() - t0;
	bg_log_step(&p->r->log, BG_LOG_INFO, &ctx, "prune: %zu release(s) kept, %zu removed", left, removed);
	bg_strv_free(releases);
}
