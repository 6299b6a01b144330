/* The deploy, step by step, as the seed did it — check, prepare (clone and
 * build), start on the idle port, switch nginx, drain, stop the old service —
 * with each step recorded before it runs and undone when it fails. */
#include "pipeline.h"
#include "pipeline_internal.h"
#include "clock.h"
#include "fs.h"
#include "git.h"
#include "nginx.h"
#include "prepare.h"
#include "proc.h"
#include "strv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_s(void)
{
	return (long long) time(NULL);
}

static void save_or_log(bg_pipeline *p)
{
	bg_error e;

	if (bg_state_save(&p->r->opt, &p->st, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "deploy: cannot record the state: %s", e.msg);
	}
}

/* Adds the step that just ended to the timings of the final log line. */
static void note_timing(bg_pipeline *p)
{
	char took[32];
	size_t len = strlen(p->timings);

	if (!p->st.deploy.step[0] || p->step_t0 == 0) {
		return;
	}
	bg_format_duration(took, sizeof(took), bg_now_ms() - p->step_t0);
	snprintf(p->timings + len, sizeof(p->timings) - len, "%s%s %s", len ? ", " : "", p->st.deploy.step, took);
}

/* Starts a step: written to the state file before it runs, so that a
 * releaser killed during it leaves a record of where it was. */
static int enter_step(bg_pipeline *p, const char *step, bg_error *err)
{
	note_timing(p);
	snprintf(p->st.deploy.step, sizeof(p->st.deploy.step), "%s", step);
	p->step_t0 = bg_now_ms();
	return bg_state_save(&p->r->opt, &p->st, err);
}

/* The commit a failure is about: the release's, else the one asked for. */
static const char *failing_commit(const bg_pipeline *p)
{
	return p->next.commit[0] ? p->next.commit : p->st.deploy.rel.commit;
}

/* Records a failed step (the commit among the failed ones, so that tick()
 * does not try it again until the branch moves), logs it, and ends the
 * deploy. Returns -1 for the caller to pass on. */
static int fail_step(bg_pipeline *p, bg_error *err)
{
	const char *commit = failing_commit(p);
	bg_log_ctx ctx = { p->st.deploy.step, bg_now_ms() - p->step_t0, commit[0] ? commit : NULL, 0 };

	bg_log_with(&p->r->log, err->stopped ? BG_LOG_WARNING : BG_LOG_ERROR, &ctx,
		"deploy: %.7s failed at %s: %s", commit[0] ? commit : "?", p->st.deploy.step, err->msg);
	err->logged = 1;
	/* Cut short by the operator's SIGTERM: not the commit's fault, so it
	 * is not marked failed and the next run deploys it. */
	bg_state_fail(&p->st, err->stopped ? NULL : commit, p->st.deploy.step, err->msg);
	bg_release_free(&p->st.deploy.rel);
	memset(&p->st.deploy, 0, sizeof(p->st.deploy));
	save_or_log(p);
	return -1;
}

int bg_pipeline_keeps(const bg_state *st, const char *path)
{
	return (st->live.set && st->live.rel.path && strcmp(st->live.rel.path, path) == 0)
		|| (st->previous.set && st->previous.rel.path && strcmp(st->previous.rel.path, path) == 0);
}

/* The release serving now: the state's, else (no deploy yet) root at its
 * HEAD. The port is always what nginx points to. */
static int find_live(bg_pipeline *p, bg_error *err)
{
	const bg_options *opt = &p->r->opt;

	if (bg_nginx_active_port(opt, &p->live_port, err) < 0) {
		return -1;
	}
	if (p->st.live.set) {
		if (bg_release_copy(&p->live, &p->st.live.rel) < 0) {
			return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
		}
	} else {
		if (bg_git_head(opt->root, p->live.commit, err) < 0) {
			return bg_error_prefix(err, "cannot tell the live commit (root, before any deploy)");
		}
		p->live.path = strdup(opt->root);
	}
	p->live.port = p->live_port;
	return 0;
}

int bg_pipeline_begin(bg_pipeline *p, bg_releaser *r, bg_error *err)
{
	memset(p, 0, sizeof(*p));
	p->r = r;
	p->lock.fd = -1;
	p->t0 = bg_now_ms();
	if (r->handed_off.done) {
		bg_pipeline_handed_off_poll(r);
		return bg_error_set(err, BG_ERR_LOCK, "this releaser handed over to the next generation when it "
			"stopped the service it runs in; it deploys nothing more");
	}
	if (bg_lock_take(&r->opt, &p->lock, err) < 0 || bg_state_load(&r->opt, &p->st, err) < 0
		|| bg_pipeline_recover(p, err) < 0 || find_live(p, err) < 0) {
		return -1;
	}
	return 0;
}

void bg_pipeline_end(bg_pipeline *p)
{
	bg_lock_release(&p->lock);
	bg_state_free(&p->st);
	bg_release_free(&p->live);
	bg_release_free(&p->next);
}

/* check(): whether the branch moved. From tick(), a head that failed before
 * is left alone until the branch moves again. */
static int pick_commit(bg_pipeline *p, int from_tick, char sha[41], int *found, bg_error *err)
{
	const bg_state_failure *failed;
	int changed = 0;

	*found = 0;
	p->st.checked_at = now_s();
	if (bg_git_check(&p->r->opt, &p->r->log, p->live.commit, sha, &changed, err) < 0) {
		p->st.checked_head[0] = '\0';
		bg_state_fail(&p->st, NULL, "check", err->msg);
		save_or_log(p);
		return -1;
	}
	memcpy(p->st.checked_head, changed ? sha : p->live.commit, 41);
	if (changed && from_tick && (failed = bg_state_failed(&p->st, sha))) {
		bg_log(&p->r->log, BG_LOG_INFO, "tick: %.7s failed at %s before; it is not deployed again until "
			"the branch moves (deploy('%s') forces it)", sha, failed->step, sha);
		changed = 0;
	}
	*found = changed;
	return bg_state_save(&p->r->opt, &p->st, err);
}

static void begin_deploy_record(bg_pipeline *p, const char *commit)
{
	bg_state_deploy *d = &p->st.deploy;

	bg_release_free(&d->rel);
	memset(d, 0, sizeof(*d));
	d->set = 1;
	if (commit && strlen(commit) == 40) {
		memcpy(d->rel.commit, commit, 41);
	}
	d->from_port = p->live_port;
	d->started = now_s();
	d->pid = (int) getpid();
	d->pid_start = bg_proc_starttime(getpid());
}

static int prepare_step(bg_pipeline *p, const char *commit, bg_error *err)
{
	begin_deploy_record(p, commit);
	if (enter_step(p, "prepare", err) < 0) {
		return -1;
	}
	if (bg_prepare(&p->r->opt, &p->r->log, commit, &p->next, err) < 0) {
		return fail_step(p, err);
	}
	if (bg_release_copy(&p->st.deploy.rel, &p->next) < 0) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	return 0;
}

/* A new service that will not take traffic after all. */
static void undo_start(bg_pipeline *p, int port)
{
	bg_error e;

	if (bg_service_kill_port(&p->r->opt, &p->r->log, port, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "deploy: cannot stop the new service on port %d: %s", port, e.msg);
	}
}

/* nginx points to the new release: the state says so before anything else. */
static void went_live(bg_pipeline *p)
{
	bg_error e;

	bg_state_set_release(&p->st.previous, &p->live, p->st.live.set ? p->st.live.since : 0);
	bg_state_set_release(&p->st.live, &p->next, now_s());
	if (enter_step(p, "drain", &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "deploy: cannot record the state: %s", e.msg);
	}
}

/* The old service: its failure to stop is logged and recorded, and the new
 * release stays live. */
static void stop_old(bg_pipeline *p, int port)
{
	bg_error e;

	if (enter_step(p, "stop", &e) < 0
		|| bg_service_stop(&p->r->opt, &p->r->log, port, p->st.previous.rel.path, 1, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "deploy: the new release is live, but stopping the old one on "
			"port %d failed: %s", port, e.msg);
		bg_state_fail(&p->st, NULL, "stop", e.msg);
	}
}

static void finish(bg_pipeline *p, const char *verb)
{
	bg_log_ctx ctx = { verb, bg_now_ms() - p->t0, p->next.commit, p->next.port };
	char took[32];

	note_timing(p);
	bg_release_free(&p->st.deploy.rel);
	memset(&p->st.deploy, 0, sizeof(p->st.deploy));
	save_or_log(p);
	bg_format_duration(took, sizeof(took), ctx.duration_ms);
	bg_log_with(&p->r->log, BG_LOG_INFO, &ctx, "%s: %.7s live on port %d (%s in all: %s)", verb,
		p->next.commit, p->next.port, took, p->timings);
}

/* start, switch, drain, stop, prune: p->next is ready (prepared, or the
 * previous release for a rollback). */
static int go_live(bg_pipeline *p, const char *verb, bg_error *err)
{
	bg_releaser *r = p->r;
	int from = p->live_port, to = bg_options_other_port(&r->opt, from);

	if (enter_step(p, "start", err) < 0) {
		return -1;
	}
	if (bg_service_start_beside(&r->opt, &r->log, &p->next, to, p->live.path, err) < 0) {
		return fail_step(p, err);   /* start stopped what it started */
	}
	p->st.deploy.rel.port = to;
	if (enter_step(p, "switch", err) < 0) {
		undo_start(p, to);
		return -1;
	}
	if (bg_releaser_switch(r, to, err) < 0) {
		undo_start(p, to);          /* the config is restored already */
		return fail_step(p, err);
	}
	went_live(p);
	bg_releaser_wait_old_workers(r, from);
	bg_service_drain(&r->opt, &r->log, from);
	if (bg_pipeline_self_hosted(&r->opt, from)) {
		note_timing(p);
		bg_pipeline_hand_off(p, from, p->st.previous.rel.path);
		return 0;
	}
	stop_old(p, from);
	if (enter_step(p, "prune", err) == 0) {
		bg_pipeline_prune(p);
	}
	finish(p, verb);
	return 0;
}

static int deploy(bg_releaser *r, const char *commit, int from_tick, bg_release *out, int *deployed, bg_error *err)
{
	bg_pipeline p;
	char sha[41];
	int found, rc = -1;

	*deployed = 0;
	/* A bad argument is the caller's mistake, not a failed deploy to record. */
	if (commit && bg_git_check_sha_spec(commit, err) < 0) {
		return -1;
	}
	if (bg_pipeline_begin(&p, r, err) < 0) {
		goto cleanup;
	}
	if (!commit) {
		if (pick_commit(&p, from_tick, sha, &found, err) < 0) {
			goto cleanup;
		}
		if (!found) {
			rc = 0;
			goto cleanup;
		}
		commit = sha;
	}
	if (prepare_step(&p, commit, err) < 0 || go_live(&p, "deploy", err) < 0) {
		goto cleanup;
	}
	if (bg_release_copy(out, &p.next) < 0) {
		bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
		goto cleanup;
	}
	*deployed = 1;
	rc = 0;

cleanup:
	bg_pipeline_end(&p);
	return rc;
}

int bg_releaser_deploy(bg_releaser *r, const char *commit, bg_release *out, int *deployed, bg_error *err)
{
	bg_release_init(out);
	return deploy(r, commit, 0, out, deployed, err);
}

void bg_releaser_tick(bg_releaser *r, bg_release *out, int *deployed)
{
	bg_error err;

	bg_error_clear(&err);
	bg_release_init(out);
	if (deploy(r, NULL, 1, out, deployed, &err) == 0) {
		return;
	}
	/* A held lock is another deploy at work; a failed step is logged already. */
	if (err.code == BG_ERR_LOCK) {
		bg_log(&r->log, BG_LOG_DEBUG, "tick: %s", err.msg);
	} else if (!err.logged) {
		bg_log(&r->log, err.stopped ? BG_LOG_WARNING : BG_LOG_ERROR, "tick: %s error: %s",
			bg_code_name(err.code), err.msg);
	}
}

int bg_releaser_rollback(bg_releaser *r, bg_release *out, bg_error *err)
{
	bg_pipeline p;
	int rc = -1;

	bg_release_init(out);
	if (bg_pipeline_begin(&p, r, err) < 0) {
		goto cleanup;
	}
	if (!p.st.previous.set) {
		bg_error_set(err, BG_ERR_SYSTEM, "nothing to roll back to: no previous release is recorded "
			"(%s/.bluegreen/state.json)", r->opt.releases_dir);
		goto cleanup;
	}
	if (!bg_path_exists(p.st.previous.rel.path)) {
		bg_error_set(err, BG_ERR_SYSTEM, "cannot roll back: the previous release %s is gone", p.st.previous.rel.path);
		goto cleanup;
	}
	if (bg_release_copy(&p.next, &p.st.previous.rel) < 0) {
		bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
		goto cleanup;
	}
	p.next.port = 0;
	begin_deploy_record(&p, p.next.commit);
	bg_release_copy(&p.st.deploy.rel, &p.next);
	if (go_live(&p, "rollback", err) < 0 || bg_release_copy(out, &p.next) < 0) {
		goto cleanup;
	}
	rc = 0;

cleanup:
	bg_pipeline_end(&p);
	return rc;
}

int bg_releaser_status(bg_releaser *r, bg_status *out, bg_error *err)
{
	bg_error ports_err;

	memset(out, 0, sizeof(*out));
	if (bg_state_load(&r->opt, &out->state, err) < 0) {
		return -1;
	}
	if (bg_ports_read(&r->opt, &out->ports, &ports_err) == 0) {
		out->have_ports = 1;
	} else {
		memcpy(out->ports_error, ports_err.msg, sizeof(out->ports_error));
	}
	out->lock_holder = bg_lock_holder(&r->opt);
	out->deploy_running = out->state.deploy.set && out->state.deploy.pid > 0
		&& bg_proc_state_of(out->state.deploy.pid) == BG_PROC_ALIVE
		&& bg_proc_starttime(out->state.deploy.pid) == out->state.deploy.pid_start;
	return 0;
}

void bg_status_free(bg_status *st)
{
	bg_state_free(&st->state);
}
