/* Reconciling after a releaser died mid-deploy (kill -9, a crash, the
 * machine): the state says which step it was at; nginx's config and what
 * answers say what is true. Runs under the lock, so the releaser that wrote
 * the deploy record is gone. */
#include "pipeline_internal.h"
#include "clock.h"
#include "fs.h"
#include "nginx.h"
#include "probe.h"
#include "service.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* A health probe during recovery: the service answers, or not. */
#define BG_RECOVER_PROBE_MS 2000

static int healthy(const bg_options *opt, int port)
{
	bg_probe_result res;

	if (opt->health_path) {
		return bg_probe_http(opt->host, port, opt->health_path, BG_RECOVER_PROBE_MS, &res);
	}
	return bg_probe_tcp(opt->host, port, BG_RECOVER_PROBE_MS, &res);
}

/* A self-hosted releaser sent the old service its stop and died with it;
 * this one makes sure the old port is closed. 1 when it cleared the record. */
static int finish_pending_stop(bg_pipeline *p)
{
	const bg_options *opt = &p->r->opt;
	int port = p->st.stop_pending_port;
	double waited = ((double) time(NULL) - (double) p->st.stop_pending_since) * 1000;
	bg_error e;

	if (!port) {
		return 0;
	}
	if (bg_port_accepts(opt, port) && waited < opt->stop_timeout * 1000) {
		bg_sleep_ms(opt->stop_timeout * 1000 - waited);
	}
	if (bg_service_kill_port(opt, &p->r->log, port, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "recover: the old service on port %d is still there: %s", port, e.msg);
		return 0;
	}
	bg_log(&p->r->log, BG_LOG_INFO, "recover: the old service on port %d, stopped by the previous "
		"generation's releaser, is gone", port);
	p->st.stop_pending_port = 0;
	p->st.stop_pending_since = 0;
	return 1;
}

/* nginx may have been left with a config it has not loaded (killed between
 * the write and the reload): the config on disk is what nginx must run. */
static void reload_if_switching(bg_pipeline *p)
{
	bg_error e;

	if (strcmp(p->st.deploy.step, "switch") == 0 && bg_nginx_reload(&p->r->opt, &p->r->log, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "recover: reloading nginx failed: %s", e.msg);
	}
}

/* The release nginx points to is live; if it does not answer and the other
 * port does, nginx is pointed back there: the live release keeps serving. */
static int settle_live_port(bg_pipeline *p, int *live, bg_error *err)
{
	const bg_options *opt = &p->r->opt;
	int other;

	if (bg_nginx_active_port(opt, live, err) < 0) {
		return -1;
	}
	other = bg_options_other_port(opt, *live);
	if (!healthy(opt, *live) && healthy(opt, other)) {
		bg_log(&p->r->log, BG_LOG_WARNING, "recover: nginx points to port %d, which does not answer, while "
			"port %d does: switching back", *live, other);
		if (bg_releaser_switch(p->r, other, err) < 0) {
			return -1;
		}
		*live = other;
	}
	return 0;
}

/* The interrupted release went live if nginx points to its port. */
static void settle_state(bg_pipeline *p, int live)
{
	bg_state *st = &p->st;
	bg_state_deploy *d = &st->deploy;

	if (d->rel.path && d->rel.port == live && !(st->live.set && st->live.rel.port == live
			&& strcmp(st->live.rel.path, d->rel.path) == 0)) {
		if (st->live.set) {
			bg_state_set_release(&st->previous, &st->live.rel, st->live.since);
		}
		bg_state_set_release(&st->live, &d->rel, (long long) time(NULL));
	} else if (st->live.set && st->live.rel.port != live && st->previous.set && st->previous.rel.port == live) {
		/* Killed after pointing nginx back (a rollback of a rollback): swap. */
		bg_state_release keep = st->live;

		st->live = st->previous;
		st->previous = keep;
	}
}

/* What listens on the port nginx does not point to serves no one. */
static void stop_other_port(bg_pipeline *p, int live)
{
	const bg_options *opt = &p->r->opt;
	int other = bg_options_other_port(opt, live);
	const char *dir = p->st.previous.set && p->st.previous.rel.port == other ? p->st.previous.rel.path : NULL;
	bg_error e;

	if (bg_service_stop(opt, &p->r->log, other, dir, 0, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "recover: cannot stop what listens on port %d: %s", other, e.msg);
	}
}

/* A release the interrupted deploy was still preparing is half-made. */
static void remove_half_made(bg_pipeline *p)
{
	const char *path = p->st.deploy.rel.path;

	if (path && strcmp(p->st.deploy.step, "prepare") == 0 && !bg_pipeline_keeps(&p->st, path)
		&& bg_rm_rf(path) == 0) {
		bg_log(&p->r->log, BG_LOG_INFO, "recover: removed the half-made release %s", path);
	}
}

int bg_pipeline_recover(bg_pipeline *p, bg_error *err)
{
	bg_state_deploy *d = &p->st.deploy;
	int live;

	if (!d->set) {
		return finish_pending_stop(p) ? bg_state_save(&p->r->opt, &p->st, err) : 0;
	}
	finish_pending_stop(p);
	bg_log(&p->r->log, BG_LOG_WARNING, "recover: the deploy of %.7s by pid %d was interrupted at step %s; "
		"reconciling", d->rel.commit[0] ? d->rel.commit : "?", d->pid, d->step);
	reload_if_switching(p);
	if (settle_live_port(p, &live, err) < 0) {
		return -1;
	}
	settle_state(p, live);
	stop_other_port(p, live);
	remove_half_made(p);
	bg_release_free(&d->rel);
	memset(d, 0, sizeof(*d));
	bg_log(&p->r->log, BG_LOG_INFO, "recover: live is %.7s on port %d", p->st.live.set ? p->st.live.rel.commit : "root", live);
	return bg_state_save(&p->r->opt, &p->st, err);
}
