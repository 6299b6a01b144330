#include "pipeline/releaser.h"
#include "pipeline/pipeline.h"
#include "base/clock.h"
#include "sys/proc.h"
#include "service/service.h"
#include "git/git.h"
#include "base/url.h"
#include "layout/layout.h"
#include "layout/state.h"
#include "release/prepare.h"

#include <string.h>

void bg_releaser_init(bg_releaser *r)
{
	memset(r, 0, sizeof(*r));
	bg_options_init(&r->opt);
	r->handed_off.lock.fd = -1;
	bg_fleet_init(&r->fleet);
	bg_release_init(&r->fleet_prepared);
}

int bg_releaser_options_check(bg_releaser *r, bg_error *err)
{
	if (bg_options_check(&r->opt, err) < 0) {
		return -1;
	}
	return bg_options_socket_switch(&r->opt) ? bg_layout_sockets(&r->opt, err) : 0;
}

void bg_releaser_free(bg_releaser *r)
{
	bg_fleet_free(&r->fleet, &r->opt.fleet);
	bg_release_free(&r->fleet_prepared);
	bg_options_free(&r->opt);
	bg_switch_free(&r->last_switch);
	/* handed_off.lock stays held: the kernel releases it when the process dies. */
	bg_pid_list_free(&r->handed_off.roots);
}

int bg_releaser_check(bg_releaser *r, char sha[41], int *changed, bg_error *err)
{
	bg_state st;
	int rc;

	bg_state_init(&st);
	if (bg_state_load(&r->opt, &st, err) < 0) {
		bg_state_free(&st);
		return -1;
	}
	rc = bg_git_check(&r->opt, &r->log, st.live.set ? st.live.rel.commit : NULL, sha, changed, err);
	bg_state_free(&st);
	return rc;
}

int bg_releaser_prepare(bg_releaser *r, const char *commit, bg_release *out, bg_error *err)
{
	return bg_prepare(&r->opt, &r->log, commit, out, err);
}

int bg_releaser_ports(bg_releaser *r, bg_ports *out, bg_error *err)
{
	return bg_ports_read(&r->opt, out, err);
}

int bg_releaser_start(bg_releaser *r, bg_release *rel, int port, bg_error *err)
{
	return bg_service_start(&r->opt, &r->log, rel, port, err);
}

void bg_releaser_global_init(void)
{
	bg_git_global_init();
	bg_store_global_init();
}

void bg_releaser_global_shutdown(void)
{
	bg_store_global_shutdown();
	bg_git_global_shutdown();
}

void bg_releaser_library_info(bg_releaser_library *out)
{
	bg_git_library_info(out);
}

int bg_releaser_branch_valid(const char *name)
{
	return bg_git_branch_name_valid(name);
}

char *bg_releaser_mask_url(const char *url)
{
	return bg_url_mask_dup(url);
}

int bg_releaser_switch(bg_releaser *r, int port, bg_error *err)
{
	bg_switch sw;

	r->switch_unsure = 0;
	if (bg_nginx_switch(&r->opt, &r->log, port, &sw, err) < 0) {
		r->switch_unsure = sw.unsure;
		return -1;
	}
	if (sw.from != sw.to) {
		bg_switch_free(&r->last_switch);
		r->last_switch = sw;
	} else {
		bg_switch_free(&sw);
	}
	return 0;
}

/* An nginx worker of the old generation exits once its requests are done;
 * until then it may still send a request to the old port. Stopping that port
 * earlier is what fails requests in the seed's approach. */
void bg_releaser_wait_old_workers(bg_releaser *r, int port)
{
	bg_releaser_wait_old_workers_until(r, port, bg_now_ms() + r->opt.drain_timeout * 1000);
}

void bg_releaser_wait_old_workers_until(bg_releaser *r, int port, double deadline)
{
	bg_switch *sw = &r->last_switch;
	bg_log_ctx ctx = { "drain", -1, NULL, port };
	double t0 = bg_now_ms();
	char took[32];
	int left, sig = 0;

	if (sw->from != port || sw->old_workers.n == 0) {
		return;
	}
	/* In slices, so that a stop request (SIGTERM) cuts the drain short. */
	while ((left = bg_proc_wait_gone(&sw->old_workers, 50)) > 0
		&& bg_now_ms() < deadline && !(sig = bg_stop_requested())) {
	}
	ctx.duration_ms = bg_now_ms() - t0;
	bg_format_duration(took, sizeof(took), ctx.duration_ms);
	if (left && sig) {
		bg_log_with(&r->log, BG_LOG_WARNING, &ctx, "drain: %s received; %d old nginx worker(s) still "
			"running after %s, going on", bg_stop_name(sig), left, took);
	} else if (left) {
		bg_log_with(&r->log, BG_LOG_WARNING, &ctx, "drain: %d old nginx worker(s) still running after %s "
			"(drain_timeout); going on", left, took);
	} else {
		bg_log_with(&r->log, BG_LOG_INFO, &ctx, "drain: the %zu old nginx worker(s) have exited (%s)",
			sw->old_workers.n, took);
	}
	bg_switch_free(sw);
	memset(sw, 0, sizeof(*sw));
}

int bg_releaser_stop(bg_releaser *r, int port, bg_error *err)
{
	bg_releaser_wait_old_workers(r, port);
	return bg_service_stop(&r->opt, &r->log, port, NULL, 0, err);
}
