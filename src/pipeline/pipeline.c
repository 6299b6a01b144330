/* The deploy, step by step, as the seed did it — check, prepare (clone and
 * build), start on the idle port, switch nginx, drain, stop the old service —
 * with each step recorded before it runs and undone when it fails, so that a
 * push goes live with no failed request, and a release that fails any step
 * never takes traffic while the live one keeps serving.
 *
 * One deploy at a time per releases_dir (layout/lock.h); every step is
 * written to the state file before it runs (layout/state.h), so that a
 * releaser killed at any step is reconciled by the next one
 * (pipeline_recover.c). */
#include "pipeline/releaser.h"
#include "pipeline/pipeline.h"
#include "base/clock.h"
#include "base/fs.h"
#include "layout/layout.h"
#include "git/git.h"
#include "nginx/nginx.h"
#include "release/prepare.h"
#include "sys/proc.h"
#include "service/service.h"
#include "service/service_internal.h"
#include "base/strv.h"

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
	bg_ops_add_step(&p->ev, p->st.deploy.step, bg_now_ms() - p->step_t0);
	snprintf(p->timings + len, sizeof(p->timings) - len, "%s%s %s", len ? ", " : "", p->st.deploy.step, took);
}

/* Starts a step: written to the state file before it runs, so that a
 * releaser killed during it leaves a record of where it was. */
static int enter_step(bg_pipeline *p, const char *step, bg_error *err)
{
	double took = p->step_t0 ? bg_now_ms() - p->step_t0 : 0;

	bg_pipeline_fleet_renew(p);
	note_timing(p);
	bg_pipeline_hooks_after(p, took);
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
 * does not try it again until the branch moves; or, when the environment
 * failed it, a retry after a backoff: pipeline_retry.c), logs it, and ends
 * the deploy. Returns -1 for the caller to pass on. */
static int fail_step(bg_pipeline *p, bg_error *err)
{
	const char *commit = failing_commit(p);
	bg_log_ctx ctx = { p->st.deploy.step, bg_now_ms() - p->step_t0, commit[0] ? commit : NULL, 0 };
	char why[128], step[sizeof(p->st.deploy.step)], sha[41];

	/* What history and metrics will say (bg_pipeline_record). */
	note_timing(p);
	snprintf(p->failed_commit, sizeof(p->failed_commit), "%s", commit);
	snprintf(p->failed_step, sizeof(p->failed_step), "%s", p->st.deploy.step);
	free(p->failed_error);
	p->failed_error = bg_strdup(err->msg);
	p->result = err->stopped ? BG_OPS_STOPPED : BG_OPS_FAILED;
	p->r->log.error = err->msg;     /* the failure's line carries it (log_format 'json') */
	if (err->stopped) {
		/* Cut short by the operator's SIGTERM: not the commit's fault, so it
		 * is not marked failed and the next run deploys it. */
		bg_log_with(&p->r->log, BG_LOG_WARNING, &ctx, "deploy: %.*s failed at %s: %s",
			BG_SHORT_SHA_LEN, commit[0] ? commit : "?",
			p->st.deploy.step, err->msg);
		bg_state_fail(&p->st, NULL, p->st.deploy.step, err->msg);
	} else if (bg_pipeline_environment_failed(p, err, why, sizeof(why))) {
		p->result = BG_OPS_RETRY;
		bg_pipeline_retry_later(p, commit, why, err);
	} else {
		bg_log_with(&p->r->log, BG_LOG_ERROR, &ctx, "deploy: %.*s failed at %s: %s",
			BG_SHORT_SHA_LEN, commit[0] ? commit : "?",
			p->st.deploy.step, err->msg);
		bg_state_fail(&p->st, commit, p->st.deploy.step, err->msg);
		bg_state_retry_clear(&p->st);
	}
	err->logged = 1;
	p->r->log.error = NULL;
	memcpy(step, p->st.deploy.step, sizeof(step));
	snprintf(sha, sizeof(sha), "%s", commit);
	bg_release_free(&p->st.deploy.rel);
	memset(&p->st.deploy, 0, sizeof(p->st.deploy));
	save_or_log(p);
	if (!err->stopped) {
		bg_pipeline_hooks_failed(p, sha, step, err);
	}
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

/* What history will call this call, and who asked for it. */
static void start_action(bg_pipeline *p, const char *action, const char *trigger)
{
	p->action = action;
	p->trigger = trigger;
	if (!p->action_t0) {
		p->action_t0 = p->t0;
	}
}

/* The outcome of a call that ended before any step: refused. */
static void outcome_refused(bg_pipeline *p, const bg_error *err)
{
	bg_ops_event *ev = &p->ev;
	const char *step = p->failed_step[0] ? p->failed_step : p->st.deploy.step;

	ev->result = p->result ? p->result : (step[0] ? BG_OPS_FAILED : BG_OPS_REFUSED);
	ev->commit = p->failed_commit[0] ? p->failed_commit : (p->next.commit[0] ? p->next.commit : NULL);
	ev->release = p->next.path;
	ev->port = p->next.port ? p->next.port : bg_options_other_port(&p->r->opt, p->live_port);
	ev->step = step[0] ? step : NULL;
	ev->error = p->failed_error ? p->failed_error : (err ? err->msg : NULL);
}

void bg_pipeline_record(bg_pipeline *p, int rc, const bg_error *err)
{
	bg_ops_event *ev = &p->ev;
	bg_state unlocked, *st = &p->st;
	bg_error e;

	if (!p->action) {
		return;
	}
	ev->kind = BG_OPS_DEPLOY;
	ev->action = p->action;
	ev->trigger = p->trigger ? p->trigger : p->action;
	ev->duration_ms = p->action_t0 ? bg_now_ms() - p->action_t0 : 0;
	/* bg_now_ms() is monotonic: the wall clock says when it began. */
	ev->at = now_s() - (long long) (ev->duration_ms / 1000);
	ev->from_port = p->live_port;
	if (rc == 0) {
		ev->result = BG_OPS_LIVE;
		ev->commit = p->next.commit;
		ev->release = p->next.path;
		ev->port = p->next.port;
	} else {
		outcome_refused(p, err);
	}
	/* Refused before the state was read (the lock held): read it for the
	 * metrics' live release, as status() does, without the lock. */
	bg_state_init(&unlocked);
	if (!p->begun) {
		st = bg_state_load(&p->r->opt, &unlocked, &e) == 0 ? &unlocked : NULL;
	}
	bg_ops_record(&p->r->opt, &p->r->log, st, ev);
	bg_state_free(&unlocked);
	free(p->failed_error);
	p->failed_error = NULL;
	p->failed_commit[0] = p->failed_step[0] = '\0';
	p->result = NULL;
	p->action = NULL;
	p->action_t0 = bg_now_ms();
	memset(ev, 0, sizeof(*ev));
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
	p->begun = 1;
	return 0;
}

void bg_pipeline_end(bg_pipeline *p)
{
	if (p->r) {
		p->r->log.release = NULL;
	}
	bg_lock_release(&p->lock);
	bg_state_free(&p->st);
	bg_release_free(&p->live);
	bg_release_free(&p->next);
	free(p->failed_error);
	p->failed_error = NULL;
}

/* A check, counted in the metrics; its duration is the first step of the
 * deploy that may follow. */
static void record_check(bg_pipeline *p, const char *result, double t0)
{
	bg_ops_event ev;
	double ms = bg_now_ms() - t0;

	memset(&ev, 0, sizeof(ev));
	ev.kind = BG_OPS_CHECK;
	ev.result = result;
	ev.at = now_s();
	bg_ops_add_step(&ev, "check", ms);
	bg_ops_record(&p->r->opt, &p->r->log, &p->st, &ev);
	bg_ops_add_step(&p->ev, "check", ms);
}

/* check(): whether the branch moved. From tick(), a head that failed before
 * is left alone until the branch moves again. */
static int pick_commit(bg_pipeline *p, int from_tick, char sha[41], int *found, bg_error *err)
{
	const bg_state_failure *failed;
	int changed = 0;
	double t0 = bg_now_ms();

	*found = 0;
	p->st.checked_at = now_s();
	if (bg_git_check(&p->r->opt, &p->r->log, p->live.commit, sha, &changed, err) < 0) {
		p->st.checked_head[0] = '\0';
		bg_state_fail(&p->st, NULL, "check", err->msg);
		save_or_log(p);
		record_check(p, BG_OPS_CHECK_FAILED, t0);
		return -1;
	}
	memcpy(p->st.checked_head, changed ? sha : p->live.commit, 41);
	record_check(p, changed ? BG_OPS_CHECK_CHANGED : BG_OPS_CHECK_UNCHANGED, t0);
	if (changed && from_tick && (failed = bg_state_failed(&p->st, sha))) {
		bg_log(&p->r->log, BG_LOG_INFO, "tick: %.*s failed at %s before; it is not deployed again until "
			"the branch moves (deploy('%s') forces it)", BG_SHORT_SHA_LEN, sha, failed->step, sha);
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
	p->r->log.release = NULL;
	if (bg_pipeline_hooks_before(p, err) < 0
		|| bg_prepare(&p->r->opt, &p->r->log, commit, &p->next, err) < 0) {
		return fail_step(p, err);
	}
	p->r->log.release = p->next.path;   /* every later line of the deploy names it */
	/* The start step's php children for TEMP_DIR run now, off the path
	 * between the new service's start and the switch. */
	bg_service_ready(&p->r->opt, &p->next, bg_options_other_port(&p->r->opt, p->live_port), p->live.path);
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

/* A failed switch restored the config (and reloaded nginx with it) unless
 * it could not: the config then still names the new port, which nginx runs
 * or will run at its next start. The service nginx points to is never
 * stopped: the new release is recorded live, and the old one kept too. */
static void keep_or_undo_start(bg_pipeline *p, int port)
{
	int conf_port = 0;
	bg_error e;

	if (bg_nginx_active_port(&p->r->opt, &conf_port, &e) == 0 && conf_port != port) {
		if (p->r->switch_unsure) {
			bg_log(&p->r->log, BG_LOG_ERROR, "deploy: the switch failed, and nginx may still run the config "
				"that points to port %d (it could not load the restored one): the new release keeps running "
				"there, beside the live one on port %d", port, conf_port);
			return;
		}
		undo_start(p, port);
		return;
	}
	bg_log(&p->r->log, BG_LOG_ERROR, "deploy: the switch failed, but %s %s: the new release keeps running on "
		"port %d and is recorded live, and the old one keeps running on port %d", p->r->opt.nginx.conf,
		conf_port == port ? "still points to its port (it could not be restored)" : "cannot be read",
		port, p->live_port);
	bg_state_set_release(&p->st.previous, &p->live, p->st.live.set ? p->st.live.since : 0);
	bg_state_set_release(&p->st.live, &p->next, now_s());
	p->st.unhealthy_since = 0;
}

/* nginx points to the new release: the state says so before anything else. */
static void went_live(bg_pipeline *p)
{
	bg_error e;

	bg_state_set_release(&p->st.previous, &p->live, p->st.live.set ? p->st.live.since : 0);
	bg_state_set_release(&p->st.live, &p->next, now_s());
	bg_state_retry_clear(&p->st);
	p->st.unhealthy_since = 0;      /* the new live release was healthy to get there */
	if (enter_step(p, "drain", &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "deploy: cannot record the state: %s", e.msg);
	}
	bg_pipeline_hooks_before(p, &e);   /* logged only: live already */
}

/* The old port's drain, under one deadline: the old nginx workers, then the
 * connections still open, share drain_timeout. */
static void drain(bg_pipeline *p, int port)
{
	double deadline = bg_now_ms() + p->r->opt.drain_timeout * 1000;

	bg_releaser_wait_old_workers_until(p->r, port, deadline);
	bg_service_drain_until(&p->r->opt, &p->r->log, port, deadline);
}

/* The old service: its failure to stop is logged and recorded, and the new
 * release stays live. */
static void stop_old(bg_pipeline *p, int port)
{
	bg_error e;

	if (enter_step(p, "stop", &e) < 0 || bg_pipeline_hooks_before(p, &e) < 0
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
	p->st.live.done_ms = bg_epoch_ms();
	save_or_log(p);
	bg_format_duration(took, sizeof(took), ctx.duration_ms);
	bg_log_with(&p->r->log, BG_LOG_INFO, &ctx, "%s: %.*s live on port %d (%s in all: %s)", verb,
		BG_SHORT_SHA_LEN, p->next.commit, p->next.port, took, p->timings);
	bg_pipeline_hooks_done(p, verb);
}

/* The state's live and previous releases before a switch, to put back. */
typedef struct {
	bg_state_release live, previous;
} saved_slots;

static void save_slots(const bg_state *st, saved_slots *s)
{
	memset(s, 0, sizeof(*s));
	if (st->live.set) {
		bg_state_set_release(&s->live, &st->live.rel, st->live.since);
	}
	if (st->previous.set) {
		bg_state_set_release(&s->previous, &st->previous.rel, st->previous.since);
	}
}

static void restore_slot(bg_state_release *dst, bg_state_release *src)
{
	bg_release_free(&dst->rel);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

static void free_slots(saved_slots *s)
{
	bg_release_free(&s->live.rel);
	bg_release_free(&s->previous.rel);
}

/* After the drain, the old service is still running and could take the
 * traffic back: the new release must still be healthy to keep it. One
 * probe; 0 when healthy, else -1 with the answer in `why`. */
static int still_healthy(bg_pipeline *p, int port, char *why, size_t size)
{
	const bg_options *opt = &p->r->opt;
	bg_probe_result res;

	memset(&res, 0, sizeof(res));
	if (bg_service_healthy(opt, port, &res)) {
		return 0;
	}
	bg_health_describe(opt, &res, why, size);
	return -1;
}

/* The new release went unhealthy during the drain: nginx goes back to the
 * old service (still running: nothing was stopped), the state says the old
 * release is live again, the new service is stopped once nginx's workers
 * of the switch back no longer send it requests, and the commit fails as a
 * start (health) failure. When nginx cannot be switched back, both services
 * are left running and the new one stays live. */
static int switch_back(bg_pipeline *p, int from, int to, saved_slots *was, const char *why, bg_error *err)
{
	bg_releaser *r = p->r;
	const char *name = bg_layout_basename(p->next.path);
	bg_error e;

	bg_log(&r->log, BG_LOG_ERROR, "deploy: %s on port %d is no longer healthy after the drain (%s); "
		"switching back to port %d, which still runs", name, to, why, from);
	if (bg_releaser_switch(r, from, &e) < 0) {
		bg_error_set(err, BG_ERR_START, "%s on port %d passed its health check (%ld times in a row) but "
			"was no longer healthy after the drain (%s), and switching nginx back to port %d failed: %s; "
			"it stays live, and the old service on port %d was not stopped", name, to,
			r->opt.health_successes, why, from, e.msg, from);
		snprintf(p->st.deploy.step, sizeof(p->st.deploy.step), "start");
		return fail_step(p, err);
	}
	restore_slot(&p->st.live, &was->live);
	restore_slot(&p->st.previous, &was->previous);
	save_or_log(p);
	bg_releaser_wait_old_workers(r, to);
	undo_start(p, to);
	snprintf(p->st.deploy.step, sizeof(p->st.deploy.step), "start");
	bg_error_set(err, BG_ERR_START, "%s on port %d passed its health check (%ld times in a row) but was no "
		"longer healthy after the drain (%s); nginx was switched back to port %d, which kept serving, and "
		"the new service was stopped", name, to, r->opt.health_successes, why, from);
	return fail_step(p, err);
}

/* The new service's processes, recorded: what later proves them ours when
 * they hold a port, even once they left their release (a daemon changes to
 * /, a process title hides its command line and environment). */
static void record_services(bg_pipeline *p, int port)
{
	bg_pid_list owners = { NULL, 0 }, roots = { NULL, 0 };
	bg_error e;
	size_t i;

	if (bg_port_owners(&p->r->opt, port, &owners, &e) == 0 && bg_proc_service_roots(&owners, &roots, &e) == 0) {
		for (i = 0; i < roots.n; i++) {
			bg_state_add_service(&p->st, (int) roots.pids[i], bg_proc_starttime(roots.pids[i]), port);
		}
	}
	bg_pid_list_free(&owners);
	bg_pid_list_free(&roots);
}

/* start, switch, drain, stop, prune: p->next is ready (prepared, or the
 * previous release for a rollback). */
static int go_live(bg_pipeline *p, const char *verb, bg_error *err)
{
	bg_releaser *r = p->r;
	int from = p->live_port, to = bg_options_other_port(&r->opt, from), rc;
	saved_slots was;
	char why[300];

	if (enter_step(p, "start", err) < 0) {
		return -1;
	}
	if (bg_pipeline_hooks_before(p, err) < 0
		|| bg_service_start_beside(&r->opt, &r->log, &p->next, to, p->live.path, err) < 0) {
		return fail_step(p, err);   /* start stopped what it started */
	}
	p->st.deploy.rel.port = to;
	record_services(p, to);
	if (bg_pipeline_canary(p, verb, from, to, err) < 0) {
		return -1;      /* nginx back to the old release alone, and recorded */
	}
	bg_pipeline_watch_mark(p, verb);
	if (enter_step(p, "switch", err) < 0) {
		undo_start(p, to);
		return -1;
	}
	if (bg_pipeline_hooks_before(p, err) < 0) {
		undo_start(p, to);
		return fail_step(p, err);
	}
	if (bg_releaser_switch(r, to, err) < 0) {
		bg_pipeline_canary_abandon(p, from, to);
		keep_or_undo_start(p, to);
		return fail_step(p, err);
	}
	if (bg_pipeline_watch(p, from, to, err) < 0) {
		return -1;      /* switched back and recorded */
	}
	save_slots(&p->st, &was);
	went_live(p);
	drain(p, from);
	if (still_healthy(p, to, why, sizeof(why)) < 0) {
		rc = switch_back(p, from, to, &was, why, err);
		free_slots(&was);
		return rc;
	}
	free_slots(&was);
	if (bg_pipeline_self_hosted(&r->opt, from)) {
		/* Its own stop ends this process: the hooks run before it. */
		double took = bg_now_ms() - p->step_t0;

		note_timing(p);
		bg_pipeline_hooks_after(p, took);
		bg_pipeline_hooks_done(p, verb);
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
		/* An explicit deploy refused because another holds the lock is
		 * history; a tick's quiet no every interval is not, nor a
		 * releases_dir that cannot hold the lock (nor the history). */
		if (!from_tick && err->code == BG_ERR_LOCK) {
			start_action(&p, "deploy", r->opt.trigger ? r->opt.trigger : "deploy");
			if (commit && strlen(commit) == 40) {
				memcpy(p.failed_commit, commit, 41);
			}
		}
		goto cleanup;
	}
	if (from_tick) {
		bg_pipeline_heal(&p, &found);
		if (found) {
			rc = 0;         /* the previous release went live: enough for one tick */
			goto cleanup;
		}
	}
	if (bg_pipeline_watch_ready(&p, err) < 0) {
		goto cleanup;
	}
	if (!commit) {
		if (pick_commit(&p, from_tick, sha, &found, err) < 0) {
			/* A deploy() that could not check is history; a tick's failed
			 * check (every interval while the remote is down) is counted in
			 * the metrics only. */
			if (!from_tick) {
				start_action(&p, "deploy", r->opt.trigger ? r->opt.trigger : "deploy");
				snprintf(p.failed_step, sizeof(p.failed_step), "check");
				p.result = err->stopped ? BG_OPS_STOPPED : BG_OPS_FAILED;
			}
			goto cleanup;
		}
		if (!found && from_tick && r->opt.fleet.store) {
			/* A fleet member rolls back or converges (pipeline_fleet.c). */
			found = bg_pipeline_fleet_settle(&p, sha, err);
			if (found == BG_FLEET_ROLL_BACK) {
				start_action(&p, "rollback", "fleet");
				rc = bg_pipeline_fleet_roll_back(&p, err);
				goto cleanup;
			}
			bg_error_clear(err);
		}
		if (!found || (from_tick && bg_pipeline_retry_waits(&p))) {
			rc = 0;
			goto cleanup;
		}
		commit = sha;
	}
	start_action(&p, "deploy", from_tick ? "tick" : (r->opt.trigger ? r->opt.trigger : "deploy"));
	if (from_tick && r->opt.fleet.store) {
		/* A fleet member switches only while it holds a slot (pipeline_fleet.c). */
		if ((rc = bg_pipeline_fleet_deploy(&p, commit, err)) <= 0) {
			goto cleanup;
		}
		rc = -1;
	} else if (prepare_step(&p, commit, err) < 0 || go_live(&p, "deploy", err) < 0) {
		goto cleanup;
	}
	if (bg_release_copy(out, &p.next) < 0) {
		bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
		goto cleanup;
	}
	*deployed = 1;
	rc = 0;

cleanup:
	bg_pipeline_record(&p, rc, err);
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
	bg_releaser_tick_begins(r);
	if (deploy(r, NULL, 1, out, deployed, &err) == 0) {
		return;
	}
	/* A held lock is another deploy at work; a failed step is logged already. */
	if (err.code == BG_ERR_LOCK) {
		bg_log(&r->log, BG_LOG_DEBUG, "tick: %s", err.msg);
	} else if (!err.logged) {
		r->log.error = err.msg;
		bg_log(&r->log, err.stopped ? BG_LOG_WARNING : BG_LOG_ERROR, "tick: %s error: %s",
			bg_code_name(err.code), err.msg);
		r->log.error = NULL;
	}
}

int bg_pipeline_prepare_step(bg_pipeline *p, const char *commit, bg_error *err)
{
	return prepare_step(p, commit, err);
}

int bg_pipeline_go_live(bg_pipeline *p, const char *verb, bg_error *err)
{
	return go_live(p, verb, err);
}

int bg_pipeline_reuse_prepared(bg_pipeline *p, const bg_release *rel)
{
	begin_deploy_record(p, rel->commit);
	if (bg_release_copy(&p->next, rel) < 0 || bg_release_copy(&p->st.deploy.rel, rel) < 0) {
		return -1;
	}
	return 0;
}

void bg_pipeline_forget_deploy(bg_pipeline *p)
{
	bg_release_free(&p->st.deploy.rel);
	memset(&p->st.deploy, 0, sizeof(p->st.deploy));
	save_or_log(p);
}

int bg_pipeline_enter_step(bg_pipeline *p, const char *step, bg_error *err)
{
	return enter_step(p, step, err);
}

int bg_pipeline_fail_step(bg_pipeline *p, bg_error *err)
{
	return fail_step(p, err);
}

void bg_pipeline_undo_start(bg_pipeline *p, int port)
{
	undo_start(p, port);
}

int bg_pipeline_to_previous(bg_pipeline *p, const char *verb, bg_error *err)
{
	if (!p->st.previous.set) {
		return bg_error_set(err, BG_ERR_SYSTEM, "nothing to roll back to: no previous release is recorded "
			"(%s/" BG_LAYOUT_STATE_FILE ")", p->r->opt.releases_dir);
	}
	if (!bg_path_exists(p->st.previous.rel.path)) {
		return bg_error_set(err, BG_ERR_SYSTEM, "cannot roll back: the previous release %s is gone",
			p->st.previous.rel.path);
	}
	if (bg_release_copy(&p->next, &p->st.previous.rel) < 0) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	p->next.port = 0;
	p->r->log.release = p->next.path;
	begin_deploy_record(p, p->next.commit);
	bg_release_copy(&p->st.deploy.rel, &p->next);
	return go_live(p, verb, err);
}

int bg_releaser_rollback(bg_releaser *r, bg_release *out, bg_error *err)
{
	bg_pipeline p;
	int rc = -1;

	bg_release_init(out);
	if (bg_pipeline_begin(&p, r, err) < 0) {
		if (err->code == BG_ERR_LOCK) {
			start_action(&p, "rollback", r->opt.trigger ? r->opt.trigger : "rollback");
		}
		goto cleanup;
	}
	start_action(&p, "rollback", r->opt.trigger ? r->opt.trigger : "rollback");
	if (bg_pipeline_to_previous(&p, "rollback", err) < 0 || bg_release_copy(out, &p.next) < 0) {
		goto cleanup;
	}
	rc = 0;

cleanup:
	bg_pipeline_record(&p, rc, err);
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
		bg_probe_result res;

		out->have_ports = 1;
		/* The truth now, not what the last tick saw. */
		out->live_probed = 1;
		out->live_healthy = bg_service_healthy(&r->opt, bg_options_other_port(&r->opt, out->ports.idle), &res);
	} else {
		memcpy(out->ports_error, ports_err.msg, sizeof(out->ports_error));
	}
	if (bg_history_read(&r->opt, BG_STATUS_HISTORY, &out->history, &out->n_history, &ports_err) < 0) {
		bg_log(&r->log, BG_LOG_WARNING, "status: %s", ports_err.msg);
	}
	out->lock_holder = bg_lock_holder(&r->opt);
	out->deploy_running = out->state.deploy.set && out->state.deploy.pid > 0
		&& bg_proc_state_of(out->state.deploy.pid) == BG_PROC_ALIVE
		&& bg_proc_starttime(out->state.deploy.pid) == out->state.deploy.pid_start;
	bg_pipeline_fleet_status(r, out);
	return 0;
}

void bg_status_free(bg_status *st)
{
	bg_state_free(&st->state);
	bg_history_free(st->history, st->n_history);
	st->history = NULL;
	st->n_history = 0;
	bg_fleet_view_free(&st->fleet);
}

int bg_releaser_history(bg_releaser *r, size_t limit, char ***lines, size_t *n, bg_error *err)
{
	return bg_history_read(&r->opt, limit, lines, n, err);
}

void bg_releaser_history_free(char **lines, size_t n)
{
	bg_history_free(lines, n);
}
