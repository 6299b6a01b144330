/* Stopping the service behind a port: wait for its connections to drain,
 * stop it, and prove that the live service on the other port was untouched. */
#include "service/service.h"
#include "service/service_internal.h"
#include "layout/layout.h"
#include "nginx/nginx.h"
#include "sys/spawn.h"
#include "base/strv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bg_service_drain(const bg_options *opt, const bg_logger *log, int port)
{
	bg_service_drain_until(opt, log, port, bg_now_ms() + opt->drain_timeout * 1000);
}

/* The requests in flight are answered before the service goes. */
void bg_service_drain_until(const bg_options *opt, const bg_logger *log, int port, double deadline)
{
	/* Polled closely at first (a request in flight is usually answered
	 * within milliseconds; a sock_diag query costs next to nothing), then
	 * every 50 ms for the long ones. */
	double t0 = bg_now_ms(), pause = 2;
	bg_log_ctx ctx = { "drain", -1, NULL, port };
	char took[32];
	bg_error err;
	int count = 0, sig = 0;

	/* A stop request cuts the drain short: the switch is done, and the
	 * deploy finishes (the old service stopped) rather than waits. */
	while (bg_port_connections(opt, port, &count, &err) == 0 && count > 0 && bg_now_ms() < deadline
		&& !(sig = bg_sleep_unless_stopped(pause < deadline - bg_now_ms() ? pause : deadline - bg_now_ms()))) {
		pause = pause < 50 ? pause * 1.5 : 50;
	}
	if (sig && count > 0) {
		bg_log_with(log, BG_LOG_WARNING, &ctx, "drain: %s received; %d connection(s) still open on port %d, "
			"stopping it now", bg_stop_name(sig), count, port);
		return;
	}
	ctx.duration_ms = bg_now_ms() - t0;
	bg_format_duration(took, sizeof(took), ctx.duration_ms);
	if (count > 0) {
		bg_log_with(log, BG_LOG_WARNING, &ctx, "drain: %d connection(s) still open on port %d after %s "
			"(drain_timeout); stopping anyway", count, port, took);
	} else {
		bg_log_step(log, BG_LOG_INFO, &ctx, "drain: no connection left on port %d", port);
	}
}

/* The `stop` command, run in the release that serves the port. Its failure is
 * logged, not fatal: the port is then closed by SIGKILL after stop_timeout. */
static int run_stop_command(const bg_options *opt, const bg_logger *log, int port, void *dir, bg_error *err)
{
	char took[32];
	bg_release_env env;
	bg_spawn_opts o = { opt->stop, dir, env.env, -1, 0, BG_ERR_START };
	bg_run_result res;
	char *output = bg_layout_output_log(opt, dir, BG_ERR_START, err);
	char *cmd = bg_strv_join(opt->stop);
	int rc = -1;

	if (bg_release_env_init(&env, port, NULL, NULL, NULL) < 0) {
		bg_error_set(err, BG_ERR_START, "out of memory");
	} else if (output && bg_run(&o, opt->command_timeout * 1000, output, &res, err) == 0) {
		char how[256];

		bg_exit_describe(&res.exit, how, sizeof(how));
		bg_format_duration(took, sizeof(took), res.duration_ms);
		bg_log(log, bg_exit_ok(&res.exit) ? BG_LOG_INFO : BG_LOG_WARNING, "stop: `%s` in %s: %s (%s)%s%s",
			cmd ? cmd : "?", (char *) dir, how, took, res.tail[0] ? "; output: " : "", res.tail);
		snprintf(how, sizeof(how), "stop: `%.200s`", cmd ? cmd : "?");
		bg_run_log_left(log, how, &res);
		rc = 0;
	}
	bg_release_env_free(&env);
	free(output);
	free(cmd);
	return rc;
}

/* The live service's processes, before we stop anything. */
typedef struct {
	int port;
	int accepting;
	bg_pid_list owners;
} live_snapshot;

/* With `stopping` (no drain to come before the stop), the holders of the
 * port to stop are found in the same pass over the processes: 1 when they were. */
static int snapshot_live(const bg_options *opt, int live, live_snapshot *snap, int port, bg_pid_list *stopping)
{
	bg_error ignored;

	snap->port = live;
	snap->owners.pids = NULL;
	snap->owners.n = 0;
	snap->accepting = live && bg_port_accepts(opt, live);
	if (stopping) {
		if (bg_ports_owners(opt, snap->accepting ? live : 0, &snap->owners, port, stopping, &ignored) == 0) {
			return 1;
		}
		bg_pid_list_free(&snap->owners);
		bg_pid_list_free(stopping);
	}
	if (snap->accepting) {
		bg_port_owners(opt, live, &snap->owners, &ignored);
	}
	return 0;
}

/* After stopping another port, every process of the live service must still
 * be alive and its port accepting. A `stop` command that reads a pid file
 * shared between releases (one TEMP_DIR) would have killed it instead. */
static int verify_live(const bg_options *opt, const bg_logger *log, int port, const live_snapshot *snap,
	const char *method, bg_error *err)
{
	size_t i, gone = 0;

	if (!snap->accepting) {
		return 0;
	}
	for (i = 0; i < snap->owners.n; i++) {
		gone += bg_proc_state_of(snap->owners.pids[i]) != BG_PROC_ALIVE;
	}
	if (gone == 0 && bg_port_accepts(opt, snap->port)) {
		return 0;
	}
	bg_error_set(err, BG_ERR_START, "stopping port %d with %s also hit the live service on port %d: "
		"%zu of its %zu process(es) are gone%s. Do the releases share a pid file (one TEMP_DIR)? "
		"Leave the `stop` option null to stop by the port's socket owner", port, method, snap->port,
		gone, snap->owners.n, bg_port_accepts(opt, snap->port) ? "" : " and the port no longer accepts");
	bg_log(log, BG_LOG_ERROR, "%s", err->msg);
	return -1;
}

int bg_service_stop(const bg_options *opt, const bg_logger *log, int port, const char *release_dir,
	int drained, bg_error *err)
{
	live_snapshot snap = { 0, 0, { NULL, 0 } };
	bg_pid_list stopping = { NULL, 0 };
	char *dir = NULL, *cmd = NULL, method[512];
	bg_stop_how how = { NULL, NULL, 0, NULL, NULL };
	bg_log_ctx ctx = { "stop", -1, NULL, port };
	double t0 = bg_now_ms();
	int live, listening, rc = -1;

	if (bg_check_pair_port(opt, port, err) < 0 || bg_refuse_live_port(opt, port, "stop", "the live service", &live, err) < 0
		|| bg_port_listening(opt, port, &listening, err) < 0) {
		return -1;
	}
	if (!listening) {
		bg_log_with(log, BG_LOG_INFO, &ctx, "stop: nothing listens on port %d", port);
		return 0;
	}
	if (snapshot_live(opt, live, &snap, port, drained ? &stopping : NULL)) {
		how.owners = &stopping;
	}
	if (!drained) {
		bg_service_drain(opt, log, port);
	}
	if (opt->stop) {
		dir = release_dir ? strdup(release_dir) : bg_release_dir_for_port(opt, port, NULL);
		cmd = bg_strv_join(opt->stop);
		how.run = run_stop_command;
		how.data = dir;
		snprintf(method, sizeof(method), "`%s` in %s", cmd ? cmd : "?", dir);
	} else {
		snprintf(method, sizeof(method), "SIGTERM to the owner of its socket");
	}
	if (bg_stop_port_owners(opt, log, port, &how, err) < 0
		|| verify_live(opt, log, port, &snap, method, err) < 0) {
		goto cleanup;
	}
	ctx.duration_ms = bg_now_ms() - t0;
	bg_log_step(log, BG_LOG_INFO, &ctx, "stop: port %d stopped with %s", port, method);
	rc = 0;

cleanup:
	bg_pid_list_free(&snap.owners);
	bg_pid_list_free(&stopping);
	free(dir);
	free(cmd);
	return rc;
}
