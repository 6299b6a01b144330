/* Reconciling after a releaser died mid-deploy (kill -9, a crash, the
 * machine): the state says which step it was at; nginx's config and what
 * answers say what is true. Runs under the lock, so the releaser that wrote
 * the deploy record is gone. */
#include "pipeline/pipeline.h"
#include "base/clock.h"
#include "base/fs.h"
#include "git/git.h"
#include "layout/layout.h"
#include "nginx/nginx.h"
#include "sys/probe.h"
#include "sys/proc.h"
#include "sys/spawn.h"
#include "service/service.h"
#include "service/service_internal.h"
#include "base/strv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int healthy(const bg_options *opt, int port)
{
	bg_probe_result res;

	return bg_service_healthy(opt, port, &res);
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
	/* The old service may still be shutting down: it has what is left of
	 * stop_timeout to close its port, then whatever holds it is killed. */
	if (waited < opt->stop_timeout * 1000) {
		bg_port_wait_closed(opt, port, opt->stop_timeout * 1000 - waited, &e);
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

/* What the interrupted deploy left running gets this long between SIGTERM
 * and SIGKILL: it serves no one (as when a start fails). */
#define BG_RECOVER_KILL_GRACE_MS 2000

static int step_is(const bg_pipeline *p, const char *step)
{
	return strcmp(p->st.deploy.step, step) == 0;
}

/* Killed during the switch or the drain, the releaser may have left nginx
 * with a config on disk it has not loaded (between the write and the
 * reload), and nginx workers of the generation before the switch still
 * finishing requests to the old port (the drain waits for them to exit).
 * nginx is reloaded with the config on disk, which is what it must run, and
 * *before gets every process it had until then: all of them exit once they
 * are done, and the old port is stopped only after that. */
static void reload_nginx(bg_pipeline *p, bg_pid_list *before)
{
	const bg_options *opt = &p->r->opt;
	pid_t master;
	bg_error e;

	if ((!step_is(p, "switch") && !step_is(p, "drain")) || bg_options_socket_switch(opt)) {
		return;   /* socket switch: no nginx process serves an old config */
	}
	if (bg_nginx_master(opt, &master, &e) == 0 && bg_proc_children(master, before, &e) < 0) {
		bg_pid_list_free(before);
	}
	if (bg_nginx_reload(opt, &p->r->log, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "recover: reloading nginx failed: %s", e.msg);
		bg_pid_list_free(before);   /* they will not exit: no use waiting */
	}
}

/* Until they exit, nginx's processes of before the reload may still send
 * requests to the old port. */
static void wait_old_nginx(bg_pipeline *p, bg_pid_list *before, double deadline)
{
	double t0 = bg_now_ms();
	char took[32];
	int left;

	if (before->n == 0) {
		return;
	}
	left = bg_proc_wait_gone(before, deadline > t0 ? deadline - t0 : 0);
	bg_format_duration(took, sizeof(took), bg_now_ms() - t0);
	if (left) {
		bg_log(&p->r->log, BG_LOG_WARNING, "recover: %d nginx process(es) of before the reload still running "
			"after %s (drain_timeout)", left, took);
	} else {
		bg_log(&p->r->log, BG_LOG_INFO, "recover: nginx's %zu process(es) of before the reload have exited (%s)",
			before->n, took);
	}
	bg_pid_list_free(before);
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

/* The first deploy went live: what served before it is root at its HEAD, as
 * a deploy that finished records it (a rollback goes back there). */
static void previous_is_root(bg_pipeline *p, int port)
{
	bg_release root;
	bg_error e;

	bg_release_init(&root);
	if (bg_git_head(p->r->opt.root, root.commit, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_WARNING, "recover: no previous release recorded: %s", e.msg);
		return;
	}
	root.path = (char *) p->r->opt.root;    /* copied by bg_state_set_release */
	root.port = port;
	if (bg_state_set_release(&p->st.previous, &root, 0) < 0) {
		bg_log(&p->r->log, BG_LOG_WARNING, "recover: no previous release recorded: out of memory");
	}
}

/* The interrupted release went live if nginx points to its port. Returns 1
 * when it did. */
static int settle_state(bg_pipeline *p, int live)
{
	bg_state *st = &p->st;
	bg_state_deploy *d = &st->deploy;

	if (d->rel.path && d->rel.port == live) {
		if (!(st->live.set && st->live.rel.port == live && strcmp(st->live.rel.path, d->rel.path) == 0)) {
			if (st->live.set) {
				bg_state_set_release(&st->previous, &st->live.rel, st->live.since);
			} else {
				previous_is_root(p, d->from_port ? d->from_port : bg_options_other_port(&p->r->opt, live));
			}
			bg_state_set_release(&st->live, &d->rel, (long long) time(NULL));
		}
		return 1;
	}
	if (st->live.set && st->live.rel.port != live && st->previous.set && st->previous.rel.port == live) {
		/* Killed after pointing nginx back (a rollback of a rollback): swap. */
		bg_state_release keep = st->live;

		st->live = st->previous;
		st->previous = keep;
	}
	return 0;
}

/* What listens on the port nginx does not point to serves no one; the
 * requests it still has are answered first, within what is left of the
 * drain's one deadline. */
static void stop_other_port(bg_pipeline *p, int live, double drain_deadline)
{
	const bg_options *opt = &p->r->opt;
	int other = bg_options_other_port(opt, live);
	const char *dir = p->st.previous.set && p->st.previous.rel.port == other ? p->st.previous.rel.path : NULL;
	bg_error e;
	int listening = 1;

	if (bg_port_listening(opt, other, &listening, &e) < 0 || listening) {
		bg_service_drain_until(opt, &p->r->log, other, drain_deadline);
	}
	if (bg_service_stop(opt, &p->r->log, other, dir, 1, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "recover: cannot stop what listens on port %d: %s", other, e.msg);
	}
}

/* --- what the interrupted deploy left behind ------------------------------------ */

/* Processes never taken for leftovers: this one and its ancestors (a
 * releaser inside a service), and the owners of the live port's socket. */
static void spared(const bg_pipeline *p, int live, bg_pid_list *out)
{
	bg_pid_list owners = { NULL, 0 };
	bg_error ignored;
	pid_t pid;
	size_t i;

	for (pid = getpid(); pid > 1; pid = bg_proc_ppid(pid)) {
		bg_pid_list_add(out, pid);
	}
	if (bg_port_owners(&p->r->opt, live, &owners, &ignored) == 0) {
		for (i = 0; i < owners.n; i++) {
			bg_pid_list_add(out, owners.pids[i]);
		}
	}
	bg_pid_list_free(&owners);
}

/* What the interrupted deploy started for `release` and that still runs: a
 * build step (its process group outlives the releaser), a start command, a
 * service that daemonized but does not listen yet (so no port names it).
 * Each was started with BLUEGREEN_RELEASE=<release> in its environment and
 * the release's output log as its stdout; a daemon keeps the one, the
 * other survives a process title written over the environment. */
static void find_leftovers(const bg_pipeline *p, const char *release, int live, bg_pid_list *found)
{
	bg_pid_list spare = { NULL, 0 }, all = { NULL, 0 };
	char *tag = bg_asprintf(BG_ENV_RELEASE "=%s", release), *log;
	struct stat st;
	bg_error ignored;
	int have_log = 0;
	size_t i;

	if ((log = bg_layout_output_log(&p->r->opt, release, BG_ERR_SYSTEM, &ignored))) {
		have_log = stat(log, &st) == 0;
		free(log);
	}
	spared(p, live, &spare);
	if (tag && bg_proc_all(&all, &ignored) == 0) {
		for (i = 0; i < all.n; i++) {
			pid_t pid = all.pids[i];

			if (bg_pid_list_has(&spare, pid) || bg_proc_state_of(pid) != BG_PROC_ALIVE) {
				continue;
			}
			if (bg_proc_environ_has(pid, tag) || (have_log && bg_proc_writes_file(pid, st.st_dev, st.st_ino))) {
				bg_pid_list_add(found, pid);
			}
		}
	}
	bg_pid_list_free(&all);
	bg_pid_list_free(&spare);
	free(tag);
}

/* "sleep (pid 123), php8.2 (pid 124)" */
static void describe_pids(const bg_pid_list *pids, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < pids->n && len < size; i++) {
		char comm[64] = "?";

		bg_proc_comm(pids->pids[i], comm, sizeof(comm));
		len += (size_t) snprintf(buf + len, size - len, "%s%s (pid %d)", i ? ", " : "", comm, (int) pids->pids[i]);
	}
}

static void stop_leftovers(bg_pipeline *p, const char *release, int live)
{
	bg_pid_list found = { NULL, 0 };
	char names[512];
	int left;

	find_leftovers(p, release, live, &found);
	if (found.n > 0) {
		describe_pids(&found, names, sizeof(names));
		bg_log(&p->r->log, BG_LOG_INFO, "recover: stopping %zu process(es) the interrupted deploy left "
			"running for %s: %s", found.n, bg_layout_basename(release), names);
		if ((left = bg_proc_terminate(&found, BG_RECOVER_KILL_GRACE_MS)) > 0) {
			bg_log(&p->r->log, BG_LOG_ERROR, "recover: %d of them still running after SIGKILL", left);
		}
	}
	bg_pid_list_free(&found);
}

/* Whether a release directory's name says it was made at or after `since`
 * (its name starts with its UTC creation time) for `commit` ("" for any). */
static int made_since(const char *path, long long since, const char *commit)
{
	bg_release_name name;
	char stamp[16];

	bg_layout_stamp(since, stamp);
	if (bg_layout_parse_release_name(path, &name) < 0 || strcmp(name.stamp, stamp) < 0) {
		return 0;
	}
	return !commit[0] || strncmp(name.sha, commit, BG_SHORT_SHA_LEN) == 0;
}

/* The release directories of the interrupted deploy: the one it recorded;
 * while it was preparing (a release's path is recorded once it is prepared),
 * every release-* directory made since the deploy began, for its commit when
 * that is known, that serves no one: the lock, held from then on, kept any
 * other deploy from making one. */
static char **interrupted_releases(const bg_pipeline *p)
{
	const bg_state_deploy *d = &p->st.deploy;
	char **all = NULL, **mine = NULL;
	size_t i;

	if (d->rel.path) {
		bg_strv_push(&mine, d->rel.path);
	} else if (step_is(p, "prepare") && d->started > 0 && bg_layout_releases(&p->r->opt, &all) == 0) {
		for (i = 0; all && all[i]; i++) {
			if (!bg_pipeline_keeps(&p->st, all[i]) && made_since(all[i], d->started, d->rel.commit)) {
				bg_strv_push(&mine, all[i]);
			}
		}
	}
	bg_strv_free(all);
	return mine;
}

/* The interrupted deploy's processes are stopped unless its release went
 * live; a release it was still preparing is removed (its output log stays,
 * to tell what the build did). */
static void clear_interrupted(bg_pipeline *p, int live)
{
	const char *live_path = p->st.live.set ? p->st.live.rel.path : p->r->opt.root;
	char **releases = interrupted_releases(p);
	size_t i;

	for (i = 0; releases && releases[i]; i++) {
		if (strcmp(releases[i], live_path) == 0) {
			continue;
		}
		stop_leftovers(p, releases[i], live);
		if (step_is(p, "prepare") && !bg_pipeline_keeps(&p->st, releases[i])) {
			if (bg_rm_rf(releases[i]) == 0) {
				bg_log(&p->r->log, BG_LOG_INFO, "recover: removed the half-made release %s", releases[i]);
			} else {
				bg_log(&p->r->log, BG_LOG_ERROR, "recover: cannot remove the half-made release %s", releases[i]);
			}
		}
	}
	bg_strv_free(releases);
}

/* status() tells what happened: the last error names the interrupted deploy. */
static void record_interruption(bg_pipeline *p, int went_live)
{
	bg_state_deploy *d = &p->st.deploy;
	char msg[256];

	snprintf(msg, sizeof(msg), "interrupted at step %s: its releaser (pid %d) died; recovered: %s", d->step,
		d->pid, went_live ? "the release went live" : "the release did not go live");
	bg_state_fail(&p->st, NULL, d->step, msg);
	memcpy(p->st.last_error.commit, d->rel.commit, sizeof(d->rel.commit));
}

int bg_pipeline_recover(bg_pipeline *p, bg_error *err)
{
	const bg_options *opt = &p->r->opt;
	bg_state_deploy *d = &p->st.deploy;
	bg_pid_list nginx_before = { NULL, 0 };
	double drain_deadline;
	int live, went_live;

	if (!d->set) {
		return finish_pending_stop(p) ? bg_state_save(opt, &p->st, err) : 0;
	}
	finish_pending_stop(p);
	bg_log(&p->r->log, BG_LOG_WARNING, "recover: the deploy of %.*s by pid %d was interrupted at step %s; "
		"reconciling", BG_SHORT_SHA_LEN, d->rel.commit[0] ? d->rel.commit : "?", d->pid, d->step);
	bg_pipeline_watch_recover(p);
	reload_nginx(p, &nginx_before);
	/* One deadline for the whole drain: nginx's old processes, the last
	 * switch's workers, the old port's connections. */
	drain_deadline = bg_now_ms() + opt->drain_timeout * 1000;
	if (settle_live_port(p, &live, err) < 0) {
		bg_pid_list_free(&nginx_before);
		return -1;
	}
	went_live = settle_state(p, live);
	wait_old_nginx(p, &nginx_before, drain_deadline);
	bg_releaser_wait_old_workers_until(p->r, bg_options_other_port(opt, live), drain_deadline);
	stop_other_port(p, live, drain_deadline);
	clear_interrupted(p, live);
	record_interruption(p, went_live);
	bg_release_free(&d->rel);
	memset(d, 0, sizeof(*d));
	bg_log(&p->r->log, BG_LOG_INFO, "recover: live is %.*s on port %d", BG_SHORT_SHA_LEN,
		p->st.live.set ? p->st.live.rel.commit : "root", live);
	return bg_state_save(opt, &p->st, err);
}
