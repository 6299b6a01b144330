/* The watch: for watch.seconds after the switch, the new release is on
 * trial while the old one keeps running (it gets no new requests, and is
 * not stopped). The new one is judged by its health check, polled every
 * health.interval (health.successes failures in a row fail it), and by the
 * share of 5xx answers and upstream errors nginx gave for the requests it
 * sent there, read from nginx's access log in the bluegreen format
 * (nginx/nginx_access.h): only lines written after the switch count, and
 * below watch.min_requests the share does not judge. A release that fails is
 * rolled back at once: nginx switched back to the old service (still
 * running: no start), the new one stopped, the commit recorded failed with
 * the reason. One that passes is promoted: the deploy goes on to the drain
 * and the old service's stop, as without a watch.
 *
 * The watch judges by the address nginx logs for the new release, whatever
 * way the switch was made. Its start and the log's offset are in the deploy
 * record of state.json, so that a releaser killed during it is followed by
 * one that finishes it (bg_pipeline_watch_recover). */
#include "pipeline/pipeline.h"
#include "base/clock.h"
#include "layout/layout.h"
#include "nginx/nginx.h"
#include "nginx/nginx_access.h"
#include "service/service.h"
#include "sys/probe.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* One trial under way. */
typedef struct {
	const bg_options *opt;
	const char *what;            /* "watch", "canary": the log lines' prefix */
	double window_ms;            /* how long the trial lasts */
	int port;                    /* the new release's */
	char addr[128];              /* as nginx logs it (unix: and a socket path: 112 at most) */
	long long since_ms;          /* the switch, epoch ms */
	bg_access_cursor cursor;
	bg_access_counts counts;
	long health_failures;        /* in a row */
	int log_warned;              /* a log that cannot be read is said once */
	char health_why[300];        /* the last failed answer */
} bg_watch;

static long long epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double share(const bg_access_counts *c)
{
	return c->requests ? (double) c->errors / (double) c->requests : 0;
}

/* "7.3 % 5xx over 412 requests in 60 s" */
static void describe_share(const bg_watch *w, double elapsed_ms, char *buf, size_t size)
{
	char took[32];

	bg_format_duration(took, sizeof(took), elapsed_ms);
	snprintf(buf, size, "%.1f %% 5xx over %ld requests in %s", share(&w->counts) * 100, w->counts.requests, took);
}

/* One look: the health check and the log's new lines. 1 when the release
 * failed (why says how), else 0. */
static int look(bg_watch *w, const bg_logger *log, double elapsed_ms, char *why, size_t size)
{
	const bg_options *opt = w->opt;
	bg_probe_result res;
	bg_error e;
	char took[32], seen[128];

	memset(&res, 0, sizeof(res));
	if (bg_service_healthy(opt, w->port, &res)) {
		w->health_failures = 0;
	} else {
		bg_health_describe(opt, &res, w->health_why, sizeof(w->health_why));
		if (++w->health_failures >= opt->health_successes) {
			bg_format_duration(took, sizeof(took), elapsed_ms);
			snprintf(why, size, "health check failed %ld times in a row after %s (%s)", w->health_failures, took,
				w->health_why);
			return 1;
		}
	}
	if (opt->watch.access_log && bg_access_read(opt->watch.access_log, &w->cursor, w->addr, &w->counts, &e) < 0
		&& !w->log_warned) {
		bg_log(log, BG_LOG_WARNING, "%s: %s; the health check alone judges until it can be read", w->what, e.msg);
		w->log_warned = 1;
	}
	if (w->counts.requests >= opt->watch.min_requests && share(&w->counts) > opt->watch.max_error_ratio) {
		describe_share(w, elapsed_ms, seen, sizeof(seen));
		snprintf(why, size, "%s (watch.max_error_ratio %g)", seen, opt->watch.max_error_ratio);
		return 1;
	}
	return 0;
}

/* The trial, until watch.seconds after its start: 1 when the release
 * failed (why says how), 0 when it passed. A stop request (SIGTERM) cuts it
 * short: the release is judged on what was seen so far. */
static int judge(bg_watch *w, const bg_logger *log, const char *name, char *why, size_t size)
{
	const bg_options *opt = w->opt;
	double window = w->window_ms, elapsed;
	char seen[128];
	int sig = 0;

	for (;;) {
		elapsed = (double) (epoch_ms() - w->since_ms);
		if (look(w, log, elapsed, why, size)) {
			return 1;
		}
		if (elapsed >= window || sig) {
			break;
		}
		sig = bg_sleep_unless_stopped(window - elapsed < opt->health_interval * 1000
			? window - elapsed : opt->health_interval * 1000);
	}
	describe_share(w, elapsed, seen, sizeof(seen));
	if (sig) {
		bg_log(log, BG_LOG_WARNING, "%s: %s received; the %s of %s on port %d is cut short and judged on "
			"what it saw: %s", w->what, bg_stop_name(sig), w->what, name, w->port, seen);
	}
	if (opt->watch.access_log && w->counts.requests < opt->watch.min_requests) {
		bg_log(log, BG_LOG_INFO, "%s: %s on port %d passed: its health check held, %s (fewer than "
			"watch.min_requests, %ld: the share did not judge)", w->what, name, w->port, seen,
			opt->watch.min_requests);
	} else {
		bg_log(log, BG_LOG_INFO, "%s: %s on port %d passed: its health check held%s%s", w->what, name, w->port,
			opt->watch.access_log ? ", " : "", opt->watch.access_log ? seen : "");
	}
	return 0;
}

static void watch_from_record(bg_watch *w, const bg_options *opt, const bg_state_deploy *d, int port)
{
	int canary = strcmp(d->step, "canary") == 0;

	memset(w, 0, sizeof(*w));
	w->opt = opt;
	w->what = canary ? "canary" : "watch";
	w->window_ms = (canary ? opt->canary.seconds : opt->watch.seconds) * 1000;
	w->port = port;
	if (bg_options_socket_switch(opt)) {
		/* nginx logs the upstream's address as configured: the live symlink,
		 * which names the new release from the switch on. */
		snprintf(w->addr, sizeof(w->addr), "unix:%s", opt->live_socket);
	} else {
		bg_access_addr(opt->host, port, w->addr, sizeof(w->addr));
	}
	w->since_ms = d->watch_since_ms;
	w->cursor.dev = d->watch_dev;
	w->cursor.ino = d->watch_ino;
	w->cursor.offset = d->watch_offset;
}

int bg_pipeline_watch_ready(bg_pipeline *p, bg_error *err)
{
	const bg_options *opt = &p->r->opt;

	if (!opt->watch.on || !opt->watch.access_log) {
		return 0;
	}
	return bg_access_check_conf(opt, opt->watch.access_log, err);
}

/* The trial's start and the log's end now, into the deploy record. */
static void mark(bg_pipeline *p)
{
	const bg_options *opt = &p->r->opt;
	bg_state_deploy *d = &p->st.deploy;
	bg_access_cursor c;
	bg_error e;

	memset(&c, 0, sizeof(c));
	if (opt->watch.access_log && bg_access_mark(opt->watch.access_log, &c, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_WARNING, "watch: %s", e.msg);
	}
	d->watch_since_ms = epoch_ms();
	d->watch_dev = c.dev;
	d->watch_ino = c.ino;
	d->watch_offset = c.offset;
}

void bg_pipeline_watch_mark(bg_pipeline *p, const char *verb)
{
	/* A rollback or a heal puts back a release that served before: no trial. */
	if (p->r->opt.watch.on && strcmp(verb, "deploy") == 0) {
		mark(p);
	} else {
		p->st.deploy.watch_since_ms = 0;
	}
}

/* The trial failed: nginx back to the old service, the new one stopped. */
static int roll_back(bg_pipeline *p, int from, int to, const char *why, bg_error *err)
{
	bg_releaser *r = p->r;
	const char *name = bg_layout_basename(p->next.path);
	int canary = strcmp(p->st.deploy.step, "canary") == 0;
	bg_error e;

	bg_log(&r->log, BG_LOG_ERROR, "%s: %s on port %d failed its %s: %s; %s port %d%s, which still runs",
		p->st.deploy.step, name, to, p->st.deploy.step, why, canary ? "nginx back to" : "switching back to", from,
		canary ? " alone" : "");
	if (bg_releaser_switch(r, from, &e) < 0) {
		/* nginx still sends it the traffic: it is live, and nothing stops. */
		bg_state_set_release(&p->st.previous, &p->live, p->st.live.set ? p->st.live.since : 0);
		bg_state_set_release(&p->st.live, &p->next, (long long) time(NULL));
		bg_error_set(err, BG_ERR_START, "%s; switching nginx back to port %d failed: %s; %s stays live on port %d, "
			"and the old service on port %d was not stopped", why, from, e.msg, name, to, from);
		return bg_pipeline_fail_step(p, err);
	}
	bg_releaser_wait_old_workers(r, to);
	bg_pipeline_undo_start(p, to);
	bg_error_set(err, BG_ERR_START, "%s; nginx was switched back to port %d, which kept serving, and %s on port %d "
		"was stopped", why, from, name, to);
	return bg_pipeline_fail_step(p, err);
}

int bg_pipeline_watch(bg_pipeline *p, int from, int to, bg_error *err)
{
	const bg_options *opt = &p->r->opt;
	const char *name = bg_layout_basename(p->next.path);
	bg_watch w;
	char why[512];

	if (!p->st.deploy.watch_since_ms) {
		return 0;
	}
	if (bg_pipeline_enter_step(p, "watch", err) < 0) {
		return 0;   /* not recorded: the deploy goes on, unwatched, as before */
	}
	bg_log(&p->r->log, BG_LOG_INFO, "watch: %s on port %d takes the traffic for %g s; the old release keeps "
		"running on port %d", name, to, opt->watch.seconds, from);
	watch_from_record(&w, opt, &p->st.deploy, to);
	if (judge(&w, &p->r->log, name, why, sizeof(why))) {
		return roll_back(p, from, to, why, err);
	}
	return 0;
}

int bg_pipeline_watch_recover(bg_pipeline *p)
{
	const bg_options *opt = &p->r->opt;
	bg_state_deploy *d = &p->st.deploy;
	const char *name = d->rel.path ? bg_layout_basename(d->rel.path) : "?";
	double elapsed = (double) (epoch_ms() - d->watch_since_ms);
	bg_probe_result res;
	bg_watch w;
	bg_error e;
	char why[512], took[32];
	int active = 0;

	if (strcmp(d->step, "canary") == 0 && d->from_port) {
		/* Both releases in the upstream: nginx back to the old one alone; the
		 * new one is stopped by the rest of the recovery, and tried again. */
		bg_log(&p->r->log, BG_LOG_WARNING, "recover: the canary of %s on port %d was interrupted: nginx goes back "
			"to port %d alone", name, d->rel.port, d->from_port);
		if (bg_releaser_switch(p->r, d->from_port, &e) < 0) {
			bg_log(&p->r->log, BG_LOG_ERROR, "recover: %s", e.msg);
		}
		return 0;
	}
	if (strcmp(d->step, "watch") != 0 || !d->watch_since_ms || !d->rel.port || !d->from_port) {
		return 0;
	}
	/* Only a trial still possible is resumed: nginx on the new release, and
	 * the old one there to go back to. */
	if (bg_nginx_active_port(opt, &active, &e) < 0 || active != d->rel.port
		|| !bg_service_healthy(opt, d->from_port, &res)) {
		return 0;
	}
	bg_format_duration(took, sizeof(took), elapsed);
	bg_log(&p->r->log, BG_LOG_WARNING, "recover: the watch of %s on port %d was interrupted after %s; it is "
		"finished from the state file (log lines since the switch count)", name, d->rel.port, took);
	watch_from_record(&w, opt, d, d->rel.port);
	if (!judge(&w, &p->r->log, name, why, sizeof(why))) {
		return 0;
	}
	bg_log(&p->r->log, BG_LOG_ERROR, "recover: %s on port %d failed its watch: %s; switching back to port %d",
		name, d->rel.port, why, d->from_port);
	if (bg_releaser_switch(p->r, d->from_port, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "recover: switching back to port %d failed: %s; %s stays live",
			d->from_port, e.msg, name);
		return 0;
	}
	bg_state_fail(&p->st, d->rel.commit, "watch", why);
	return 1;
}

int bg_pipeline_canary(bg_pipeline *p, const char *verb, int from, int to, bg_error *err)
{
	const bg_options *opt = &p->r->opt;
	const char *name = bg_layout_basename(p->next.path);
	bg_switch sw;
	bg_watch w;
	char why[512];

	if (!opt->canary.on || strcmp(verb, "deploy") != 0) {
		return 0;
	}
	mark(p);
	if (bg_pipeline_enter_step(p, "canary", err) < 0) {
		bg_pipeline_undo_start(p, to);
		return -1;
	}
	if (bg_nginx_canary(opt, &p->r->log, to, (int) opt->canary.weight, &sw, err) < 0) {
		if (!sw.unsure) {
			bg_pipeline_undo_start(p, to);
		}
		return bg_pipeline_fail_step(p, err);
	}
	bg_switch_free(&sw);
	bg_log(&p->r->log, BG_LOG_INFO, "canary: %s on port %d takes %ld %% of the traffic for %g s; the old release "
		"on port %d the rest", name, to, opt->canary.weight, opt->canary.seconds, from);
	watch_from_record(&w, opt, &p->st.deploy, to);
	if (judge(&w, &p->r->log, name, why, sizeof(why))) {
		return roll_back(p, from, to, why, err);
	}
	return 0;
}

void bg_pipeline_canary_abandon(bg_pipeline *p, int from, int to)
{
	bg_releaser *r = p->r;
	bg_error e;

	if (!r->opt.canary.on || r->switch_unsure) {
		return;
	}
	/* The failed switch put the canary's config back: both ports in it. */
	if (bg_releaser_switch(r, from, &e) < 0) {
		bg_log(&r->log, BG_LOG_ERROR, "canary: nginx could not be put back on port %d alone either: %s", from, e.msg);
		r->switch_unsure = 1;   /* it may still send requests to `to`: keep it */
		return;
	}
	bg_releaser_wait_old_workers(r, to);
}
