#include "release/release_build.h"
#include "layout/layout.h"
#include "base/fs.h"
#include "sys/spawn.h"
#include "base/strv.h"
#include "base/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *composer_install[] = {
	"composer", "install", "--no-interaction", "--no-dev", "--optimize-autoloader", NULL
};

/* The default build: composer install, only for a release with a
 * composer.json, and only with composer in PATH. *argv stays NULL when
 * there is nothing to build. */
static int default_step(const bg_release *rel, char ***argv, bg_error *err)
{
	char *manifest = bg_asprintf("%s/composer.json", rel->path), *composer;
	int has_manifest = manifest && bg_path_exists(manifest);

	free(manifest);
	*argv = NULL;
	if (!has_manifest) {
		return 0;
	}
	if (!(composer = bg_which("composer"))) {
		return bg_error_set(err, BG_ERR_BUILD, "build: the release has a composer.json but `composer` is "
			"not in PATH: install Composer, or set the `build` option (a list of argv arrays, such as "
			"[['php', '/path/to/composer.phar', 'install', '--no-dev']], or [] to build nothing)");
	}
	free(composer);
	*argv = composer_install;
	return 0;
}

static void fail_step(const bg_options *opt, const bg_release *rel, int n, int count, const char *cmd,
	const bg_run_result *res, const char *output, bg_error *err)
{
	char how[256];

	if (res->exit.kind == BG_EXIT_TIMEOUT) {
		snprintf(how, sizeof(how), "timed out after %g s (command_timeout); its process group was killed",
			opt->command_timeout);
	} else {
		bg_exit_describe(&res->exit, how, sizeof(how));
	}
	bg_error_set(err, BG_ERR_BUILD, "build step %d/%d `%s` did not succeed in %s: %s; its last lines:\n%s\n"
		"(all its output: %s)", n, count, cmd, rel->path, how, *res->tail ? res->tail : "(none)", output);
	err->stopped = res->exit.kind == BG_EXIT_STOPPED ? res->exit.code : 0;
	/* The output may quote a URL with its credentials (composer does). */
	bg_url_mask_error(err);
}

static int run_step(const bg_options *opt, const bg_release *rel, const bg_logger *log,
	char *const *argv, char *const *env, int n, int count, const char *output, bg_error *err)
{
	bg_spawn_opts so = { argv, rel->path, env, -1, 0, BG_ERR_BUILD };
	bg_log_ctx ctx = { "build", 0, rel->commit, 0 };
	bg_run_result res;
	char what[400], *joined = bg_strv_join(argv), *cmd = joined ? bg_url_mask_dup(joined) : NULL;
	int rc = -1;

	if (!cmd) {
		bg_error_sys(err, BG_ERR_BUILD, "build step %d", n);
		goto cleanup;
	}
	if (bg_run_stoppable(&so, opt->command_timeout * 1000, output, &res, err) < 0) {
		bg_url_mask_error(err);
		goto cleanup;
	}
	snprintf(what, sizeof(what), "prepare: build step %d/%d `%.300s`", n, count, cmd);
	bg_run_log_left(log, what, &res);
	if (!bg_exit_ok(&res.exit)) {
		fail_step(opt, rel, n, count, cmd, &res, output, err);
		goto cleanup;
	}
	ctx.duration_ms = res.duration_ms;
	bg_log_step(log, BG_LOG_INFO, &ctx, "prepare: build step %d/%d `%s` ok", n, count, cmd);
	rc = 0;

cleanup:
	free(joined);
	free(cmd);
	return rc;
}

int bg_release_build(const bg_options *opt, const bg_release *rel, const bg_logger *log,
	bg_error *err)
{
	char **fallback[2] = { NULL, NULL };
	char ***steps = opt->build;
	bg_release_env env = { { NULL } };
	char *output = NULL;
	int count, n, rc = -1;

	if (!opt->build_set) {
		if (default_step(rel, &fallback[0], err) < 0) {
			return -1;
		}
		steps = fallback;
	}
	count = (int) bg_argvv_len(steps);
	if (count == 0) {
		return 0;
	}
	if (bg_release_env_init(&env, 0, rel->commit, rel->path, NULL) < 0) {
		bg_error_sys(err, BG_ERR_BUILD, "build");
		goto cleanup;
	}
	if (!(output = bg_layout_output_log(opt, rel->path, BG_ERR_BUILD, err))) {
		goto cleanup;
	}
	for (n = 0; n < count; n++) {
		if (run_step(opt, rel, log, steps[n], env.env, n + 1, count, output, err) < 0) {
			goto cleanup;
		}
	}
	rc = 0;

cleanup:
	bg_release_env_free(&env);
	free(output);
	return rc;
}
