/* tick()'s watch over the live release. A service killed between deploys
 * (kill -9, the OOM killer, a crash) leaves nginx answering 502 while the
 * state still names it live: every tick asks the port nginx points to for
 * its health check, says so at error level when it fails, records it for
 * status(), and heals — the live release started again on its port, else
 * the previous release made live, as rollback() does. */
#include "pipeline/pipeline.h"
#include "base/clock.h"
#include "layout/layout.h"
#include "service/service.h"
#include "service/service_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A heal that failed is tried again after 10 s, then 20, 40, ... 5 min:
 * both releases down is the operator's to fix, and each attempt costs up
 * to two starts of health.timeout. */
#define BG_HEAL_BACKOFF_MIN_S 10
#define BG_HEAL_BACKOFF_MAX_S 300

static double backoff_s(int failures)
{
	double s = BG_HEAL_BACKOFF_MIN_S;

	while (--failures > 0 && s < BG_HEAL_BACKOFF_MAX_S) {
		s *= 2;
	}
	return s < BG_HEAL_BACKOFF_MAX_S ? s : BG_HEAL_BACKOFF_MAX_S;
}

static void save_or_log(bg_pipeline *p)
{
	bg_error e;

	if (bg_state_save(&p->r->opt, &p->st, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "health: cannot record the state: %s", e.msg);
	}
}

static void healthy_again(bg_pipeline *p)
{
	p->r->heal_failures = 0;
	p->r->heal_next_ms = 0;
	if (p->st.unhealthy_since) {
		p->st.unhealthy_since = 0;
		p->st.unhealthy_why[0] = '\0';
		save_or_log(p);
	}
}

/* The live release started again on its own port. Only where nothing
 * listens any more: a service that holds the port but fails its check (hung,
 * answering 500) is not killed — the previous release takes over instead. */
static int restart_live(bg_pipeline *p, int port, int listening, bg_error *err)
{
	const bg_options *opt = &p->r->opt;
	bg_release rel;
	int rc;

	if (listening) {
		return bg_error_set(err, BG_ERR_START, "a process still listens on port %d; it is left alone", port);
	}
	bg_release_init(&rel);
	if (bg_release_copy(&rel, &p->live) < 0) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	rc = bg_service_restart_live(opt, &p->r->log, &rel, port, err);
	bg_release_free(&rel);
	return rc;
}

/* When to heal. A dead port at once; a service that still listens but
 * fails (hung, overloaded, answering 500) gets health.timeout from its first
 * failure to recover, as a start does: a slow moment is not a reason to
 * switch. Then the backoff of failed heals. Says what comes next. */
static int heal_now(const bg_pipeline *p, int listening, long long down_s, char *next, size_t size)
{
	double wait_ms = p->r->heal_next_ms - bg_now_ms();

	if (listening && down_s < p->r->opt.health_timeout) {
		snprintf(next, size, "it still listens: healed if it still fails in %.0f s (health.timeout)",
			p->r->opt.health_timeout - (double) down_s);
		return 0;
	}
	if (wait_ms > 0) {
		snprintf(next, size, "next heal attempt in %.0f s", wait_ms / 1000 + 0.5);
		return 0;
	}
	snprintf(next, size, "healing");
	return 1;
}

/* The check failed: recorded (the first failure's time is kept) and logged.
 * 1 when it is time to heal. */
static int record_unhealthy(bg_pipeline *p, int port, const char *why, int listening)
{
	const bg_options *opt = &p->r->opt;
	long long now = (long long) time(NULL);
	char next[128], *where;
	int heal;

	if (!p->st.unhealthy_since) {
		p->st.unhealthy_since = now;
	}
	snprintf(p->st.unhealthy_why, sizeof(p->st.unhealthy_why), "%.255s", why);
	save_or_log(p);
	heal = heal_now(p, listening, now - p->st.unhealthy_since, next, sizeof(next));
	if (bg_options_socket_switch(opt)) {
		where = bg_asprintf("the live socket %s points (%s)", opt->live_socket, bg_options_socket(opt, port));
	} else {
		where = bg_asprintf("nginx upstream \"%s\" points", opt->nginx.upstream);
	}
	bg_log(&p->r->log, BG_LOG_ERROR, "health: the live release %.*s (%s) on port %d, where %s, fails its health "
		"check: %s; down for %lld s; %s", BG_SHORT_SHA_LEN, p->live.commit, bg_layout_basename(p->live.path), port,
		where ? where : "nginx points", why, now - p->st.unhealthy_since, next);
	free(where);
	return heal;
}

static void heal_failed(bg_pipeline *p, int port, const char *why)
{
	bg_releaser *r = p->r;

	r->heal_failures++;
	r->heal_next_ms = bg_now_ms() + backoff_s(r->heal_failures) * 1000;
	/* A failed switch to the previous release rewrote the state. */
	if (!p->st.unhealthy_since) {
		p->st.unhealthy_since = (long long) time(NULL);
	}
	snprintf(p->st.unhealthy_why, sizeof(p->st.unhealthy_why), "%.255s", why);
	save_or_log(p);
	bg_log(&r->log, BG_LOG_ERROR, "heal: nothing answers behind nginx on port %d: neither the live release nor "
		"the previous one could be made to serve; next attempt in %.0f s", port, backoff_s(r->heal_failures));
}

void bg_pipeline_heal(bg_pipeline *p, int *switched)
{
	const bg_options *opt = &p->r->opt;
	bg_log_ctx ctx = { "heal", -1, p->live.commit, p->live_port };
	int port = p->live_port;
	double t0 = bg_now_ms();
	bg_probe_result res;
	char why[sizeof(p->st.unhealthy_why)];
	int listening = 0, rc;
	bg_error e;

	*switched = 0;
	if (bg_service_healthy(opt, port, &res)) {
		if (p->st.unhealthy_since) {
			bg_log(&p->r->log, BG_LOG_INFO, "health: the live release %.*s on port %d answers its health check "
				"again, after failing it for %lld s", BG_SHORT_SHA_LEN, p->live.commit, port, (long long) time(NULL) - p->st.unhealthy_since);
		}
		healthy_again(p);
		return;
	}
	bg_health_describe(opt, &res, why, sizeof(why));
	if (bg_port_listening(opt, port, &listening, &e) < 0) {
		listening = 1;      /* cannot tell: nothing is started on it */
	}
	if (!record_unhealthy(p, port, why, listening)) {
		return;
	}
	if (restart_live(p, port, listening, &e) == 0) {
		ctx.duration_ms = bg_now_ms() - t0;
		bg_log_step(&p->r->log, BG_LOG_INFO, &ctx, "heal: %.*s started again on port %d and healthy: nginx "
			"serves it again", BG_SHORT_SHA_LEN, p->live.commit, port);
		healthy_again(p);
		return;
	}
	bg_log(&p->r->log, BG_LOG_ERROR, "heal: cannot start %.*s again on port %d: %s; trying the previous release",
		BG_SHORT_SHA_LEN, p->live.commit, port, e.msg);
	bg_error_clear(&e);
	p->action = "heal";
	p->trigger = "tick";
	p->action_t0 = bg_now_ms();
	rc = bg_pipeline_to_previous(p, "heal", &e);
	bg_pipeline_record(p, rc, &e);
	if (rc == 0) {
		*switched = 1;
		healthy_again(p);
		return;
	}
	if (!e.logged) {
		bg_log(&p->r->log, BG_LOG_ERROR, "heal: the previous release cannot go live: %s", e.msg);
	}
	heal_failed(p, port, why);
}
