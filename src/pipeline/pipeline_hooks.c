/* The `hooks` option: the operator's commands around the steps of a deploy
 * (a smoke test before the switch, a cache warm-up after the start, a
 * notification after a deploy or on a failure).
 *
 * Each hook is an argv run as a build step is (src/sys/spawn.c: no shell,
 * stdin /dev/null, no inherited descriptor, command_timeout on its process
 * group, ended by a pending SIGTERM), in the release being deployed (else the
 * live one), its output appended to that release's log (before a release
 * exists, to the hooks log: bg_layout_log_path), with BLUEGREEN_* variables saying
 * what happens. A before_* hook of prepare, start or switch that fails fails
 * that step, which is undone as any failed step: the live release keeps
 * serving. Every other hook runs once the outcome is settled (drain and stop
 * come after the new release went live), so its failure is logged only:
 * a hook never undoes a live release. */
#include "pipeline/pipeline.h"
#include "base/clock.h"
#include "base/fs.h"
#include "base/strv.h"
#include "base/url.h"
#include "layout/layout.h"
#include "sys/spawn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a hook is told, as BLUEGREEN_* variables. */
typedef struct {
	bg_hook hook;
	const char *step;       /* the step, or the verb (deploy, rollback) */
	const char *commit;     /* the commit going live (or that failed) */
	const char *error;      /* on_failure: the failure; NULL otherwise */
	double duration_ms;     /* the step's, or the whole deploy's */
	int port;               /* the port the commit goes live on */
} hook_call;

#define HOOK_ENV_MAX 10

static void free_env(char **env)
{
	for (int i = 0; i < HOOK_ENV_MAX; i++) {
		free(env[i]);
	}
}

/* 0, or -1 when out of memory. */
static int make_env(const bg_pipeline *p, const hook_call *c, char *env[HOOK_ENV_MAX])
{
	const char *release = p->next.path ? p->next.path : "";
	const char *socket = bg_options_socket(&p->r->opt, c->port);
	int n = 0;

	memset(env, 0, HOOK_ENV_MAX * sizeof(*env));
	env[n++] = bg_asprintf("BLUEGREEN_EVENT=%s", bg_hook_names[c->hook]);
	env[n++] = bg_asprintf("BLUEGREEN_STEP=%s", c->step);
	/* The release's own variables, as its commands get them (bg_release_env),
	 * empty rather than absent: never the releaser's own inherited ones. */
	env[n++] = bg_asprintf(BG_ENV_COMMIT "=%s", c->commit ? c->commit : "");
	env[n++] = bg_asprintf("BLUEGREEN_PREVIOUS_COMMIT=%s", p->live.commit);
	env[n++] = bg_asprintf(BG_ENV_RELEASE "=%s", release);
	env[n++] = bg_asprintf(BG_ENV_PORT "=%d", c->port);
	env[n++] = bg_asprintf(BG_ENV_SOCKET "=%s", socket ? socket : "");
	env[n++] = bg_asprintf("BLUEGREEN_DURATION_MS=%.0f", c->duration_ms);
	env[n++] = bg_asprintf("BLUEGREEN_ERROR=%s", c->error ? c->error : "");
	for (int i = 0; i < n; i++) {
		if (!env[i]) {
			free_env(env);
			return -1;
		}
	}
	return 0;
}

/* The step whose failure a before_* hook's failure is: its stage's code. */
static bg_code step_code(bg_hook hook)
{
	switch (hook) {
	case BG_HOOK_BEFORE_PREPARE: return BG_ERR_BUILD;
	case BG_HOOK_BEFORE_START: return BG_ERR_START;
	case BG_HOOK_BEFORE_SWITCH: return BG_ERR_NGINX;
	default: return BG_ERR_SYSTEM;
	}
}

/* One hook command; -1 with err (naming the hook, the command, how it ended
 * and its last lines) when it did not exit 0. */
static int run_one(bg_pipeline *p, const hook_call *c, char *const *argv, char *const *env, int n, int count,
	const char *output, bg_error *err)
{
	const bg_options *opt = &p->r->opt;
	const char *cwd = p->next.path && bg_path_exists(p->next.path) ? p->next.path : p->live.path;
	bg_spawn_opts so = { argv, cwd, env, -1, 0, step_code(c->hook) };
	bg_log_ctx ctx = { c->step, 0, c->commit, c->port };
	bg_run_result res;
	char how[256], took[32], what[400], *joined = bg_strv_join(argv);
	char *cmd = joined ? bg_url_mask_dup(joined) : NULL;
	const char *name = bg_hook_names[c->hook];
	int rc = -1;

	if (!cmd) {
		bg_error_set(err, so.err_code, "hook %s: out of memory", name);
		goto cleanup;
	}
	if (bg_run_stoppable(&so, opt->command_timeout * 1000, output, &res, err) < 0) {
		bg_url_mask_error(err);
		bg_error_prefix(err, "hook %s %d/%d `%s`", name, n, count, cmd);
		goto cleanup;
	}
	snprintf(what, sizeof(what), "hook %s %d/%d `%.300s`", name, n, count, cmd);
	bg_run_log_left(&p->r->log, what, &res);
	if (!bg_exit_ok(&res.exit)) {
		if (res.exit.kind == BG_EXIT_TIMEOUT) {
			snprintf(how, sizeof(how), "timed out after %g s (command_timeout); its process group was killed",
				opt->command_timeout);
		} else {
			bg_exit_describe(&res.exit, how, sizeof(how));
		}
		bg_error_set(err, so.err_code, "hook %s %d/%d `%s` did not succeed: %s; its last lines:\n%s\n"
			"(all its output: %s)", name, n, count, cmd, how, *res.tail ? res.tail : "(none)", output);
		err->stopped = res.exit.kind == BG_EXIT_STOPPED ? res.exit.code : 0;
		bg_url_mask_error(err);
		goto cleanup;
	}
	ctx.duration_ms = res.duration_ms;
	bg_format_duration(took, sizeof(took), res.duration_ms);
	bg_log_with(&p->r->log, BG_LOG_INFO, &ctx, "%s ok (%s)", what, took);
	rc = 0;

cleanup:
	free(joined);
	free(cmd);
	return rc;
}

/* Runs c->hook's commands in order, up to the first that fails: 0, or -1
 * with err. A failure is not a fault of the environment (pipeline_retry.c):
 * no errno nor git class is kept. */
static int run_hooks(bg_pipeline *p, const hook_call *c, bg_error *err)
{
	char ***steps = p->r->opt.hooks[c->hook], *env[HOOK_ENV_MAX], *output;
	int count = (int) bg_argvv_len(steps), rc = 0;

	if (count == 0) {
		return 0;
	}
	if (make_env(p, c, env) < 0) {
		return bg_error_set(err, step_code(c->hook), "hook %s: out of memory", bg_hook_names[c->hook]);
	}
	if (!(output = bg_layout_output_log(&p->r->opt, p->next.path, step_code(c->hook), err))) {
		rc = -1;
	}
	for (int n = 0; rc == 0 && n < count; n++) {
		rc = run_one(p, c, steps[n], env, n + 1, count, output, err);
	}
	if (rc < 0) {
		err->sys_errno = 0;
		err->git_klass = 0;
	}
	free(output);
	free_env(env);
	return rc;
}

/* A hook whose failure changes nothing: logged (warning), then forgotten. */
static void run_logged(bg_pipeline *p, const hook_call *c)
{
	bg_log_ctx ctx = { c->step, c->duration_ms, c->commit, c->port };
	bg_error e;

	bg_error_clear(&e);
	if (run_hooks(p, c, &e) < 0) {
		bg_log_with(&p->r->log, BG_LOG_WARNING, &ctx, "%s (logged only: %s)", e.msg,
			c->hook == BG_HOOK_ON_FAILURE ? "the deploy had failed already" : "the deploy stands");
	}
}

/* The hook of a step name ("prepare" ... "stop"), before or after it;
 * BG_HOOK_COUNT for a step without hooks (prune). */
static bg_hook step_hook(const char *step, int after)
{
	static const char *const steps[] = { "prepare", "start", "switch", "drain", "stop" };

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (strcmp(step, steps[i]) == 0) {
			return (bg_hook) (BG_HOOK_BEFORE_PREPARE + 2 * i + (after ? 1 : 0));
		}
	}
	return BG_HOOK_COUNT;
}

static void fill_call(const bg_pipeline *p, hook_call *c, bg_hook hook, const char *step, double duration_ms)
{
	memset(c, 0, sizeof(*c));
	c->hook = hook;
	c->step = step;
	c->commit = p->next.commit[0] ? p->next.commit : p->st.deploy.rel.commit;
	c->duration_ms = duration_ms;
	c->port = p->next.port ? p->next.port : bg_options_other_port(&p->r->opt, p->live_port);
}

int bg_pipeline_hooks_before(bg_pipeline *p, bg_error *err)
{
	const char *step = p->st.deploy.step;
	bg_hook hook = step_hook(step, 0);
	hook_call c;

	if (hook == BG_HOOK_COUNT || !p->r->opt.hooks[hook]) {
		return 0;
	}
	fill_call(p, &c, hook, step, 0);
	if (hook == BG_HOOK_BEFORE_DRAIN || hook == BG_HOOK_BEFORE_STOP) {
		run_logged(p, &c);    /* the new release is live already */
		return 0;
	}
	return run_hooks(p, &c, err);
}

void bg_pipeline_hooks_after(bg_pipeline *p, double took_ms)
{
	const char *step = p->st.deploy.step;
	bg_hook hook = step[0] ? step_hook(step, 1) : BG_HOOK_COUNT;
	hook_call c;

	if (hook == BG_HOOK_COUNT || !p->r->opt.hooks[hook]) {
		return;
	}
	fill_call(p, &c, hook, step, took_ms);
	run_logged(p, &c);
}

void bg_pipeline_hooks_done(bg_pipeline *p, const char *verb)
{
	bg_hook hook = strcmp(verb, "deploy") == 0 ? BG_HOOK_AFTER_DEPLOY : BG_HOOK_AFTER_ROLLBACK;
	hook_call c;

	if (!p->r->opt.hooks[hook]) {
		return;
	}
	fill_call(p, &c, hook, verb, bg_now_ms() - p->t0);
	run_logged(p, &c);
}

void bg_pipeline_hooks_failed(bg_pipeline *p, const char *commit, const char *step, const bg_error *failure)
{
	hook_call c;

	if (!p->r->opt.hooks[BG_HOOK_ON_FAILURE]) {
		return;
	}
	fill_call(p, &c, BG_HOOK_ON_FAILURE, step, bg_now_ms() - p->t0);
	c.commit = commit;
	c.error = failure->msg;
	run_logged(p, &c);
}
