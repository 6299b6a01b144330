/* Starting a release on a port: port files, the start command (EasySwoole's
 * own when none is given), a TEMP_DIR of its own, the wait for health, and
 * a clean slate when any of it fails. */
#include "service/service.h"
#include "service/service_internal.h"
#include "app/easyswoole.h"
#include "layout/layout.h"
#include "nginx/nginx.h"
#include "app/portfile.h"
#include "sys/probe.h"
#include "sys/spawn.h"
#include "base/strv.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A daemonizing start command (`start d`) may still be on its way out when
 * the service already answers: it gets this long to exit before it is taken
 * for a service that stays in the foreground. */
#define BG_DAEMONIZE_GRACE_MS 2000

/* What a start attempt knows while it waits. */
typedef struct {
	char **argv;             /* the start command */
	bg_child child;
	int cmd_done;            /* the start command has exited */
	bg_exit cmd;             /* how */
	bg_probe_result last;    /* the last health probe */
	char *output;            /* its output file */
	long output_from;        /* where this attempt's output starts in it */
	unsigned long long since;/* process start times from here are its own */
	int stopped;             /* the stop request (SIGTERM/SIGINT) that ended the wait */
} start_attempt;

/* A service of ours left on the idle port by a crashed deploy takes no
 * traffic: stop it, or the new release could not bind. */
static int clear_port(const bg_options *opt, const bg_logger *log, int port, bg_error *err)
{
	bg_pid_list owners = { NULL, 0 }, roots = { NULL, 0 };
	int listening;

	if (bg_port_listening(opt, port, &listening, err) < 0) {
		return -1;
	}
	if (!listening) {
		return 0;
	}
	/* Another app on the pair's port is not ours to stop: refuse first. */
	if (bg_port_owners_ours(opt, port, &owners, &roots, err) < 0) {
		bg_pid_list_free(&owners);
		bg_pid_list_free(&roots);
		return -1;
	}
	bg_pid_list_free(&owners);
	bg_pid_list_free(&roots);
	bg_log(log, BG_LOG_WARNING, "start: something already listens on port %d, which nginx does not point "
		"to (a leftover of a crashed deploy?); stopping it first", port);
	return bg_service_kill_port(opt, log, port, err);
}

/* Socket switch: the socket's directory made, and a socket file left by a
 * service that died (nothing listens on it: clear_port ran) removed, or the
 * new service could not bind its path. */
static int clear_socket(const bg_options *opt, int port, bg_error *err)
{
	const char *sock = bg_options_socket(opt, port);
	struct stat st;

	if (!sock) {
		return 0;
	}
	if (bg_layout_sockets_dir(opt, err) < 0) {
		return -1;
	}
	if (lstat(sock, &st) == 0 && unlink(sock) != 0) {
		return bg_error_sys(err, BG_ERR_START, "cannot remove the stale socket %s", sock);
	}
	return 0;
}

static int set_port_files(const bg_options *opt, const bg_release *rel, int port, bg_error *err)
{
	size_t i;

	for (i = 0; opt->port_files && opt->port_files[i]; i++) {
		char *path = NULL;
		int rc = bg_portfile_locate(rel->path, opt->port_files[i], &path, BG_ERR_CONFIG, err);

		if (rc == 0) {
			/* missing: let bg_portfile_set name it */
			path = bg_asprintf("%s/%s", rel->path, opt->port_files[i]);
		}
		rc = rc < 0 ? -1 : path ? bg_portfile_set(path, opt->ports, port, err)
			: bg_error_set(err, BG_ERR_CONFIG, "out of memory");

		free(path);
		if (rc < 0) {
			return -1;
		}
	}
	return 0;
}

static int spawn_start(const bg_options *opt, const bg_release *rel, int port, start_attempt *a, bg_error *err)
{
	bg_release_env env;
	bg_spawn_opts o = { a->argv, rel->path, env.env, -1, 1, BG_ERR_START };
	int rc = -1;

	if (bg_release_env_init(&env, port, rel->commit, rel->path, bg_options_socket(opt, port)) < 0) {
		return bg_error_set(err, BG_ERR_START, "out of memory");
	}
	o.out_fd = open(a->output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (o.out_fd < 0) {
		bg_error_sys(err, BG_ERR_START, "cannot open the output file %s", a->output);
		goto cleanup;
	}
	bg_output_header(o.out_fd, &o);
	a->output_from = (long) lseek(o.out_fd, 0, SEEK_END);
	a->since = bg_proc_ticks_now();
	a->since = a->since > 0 ? a->since - 1 : 0;
	rc = bg_spawn(&o, &a->child, err);
	close(o.out_fd);

cleanup:
	bg_release_env_free(&env);
	return rc;
}

/* Notes how the start command ended, if it has. 0 while all is well. */
static int check_command(start_attempt *a)
{
	if (a->cmd_done) {
		return 0;
	}
	bg_child_wait(&a->child, 0, &a->cmd);
	if (a->cmd.kind == BG_EXIT_TIMEOUT) {
		return 0;
	}
	a->cmd_done = 1;
	/* Unknown (reaped elsewhere): the health check decides. */
	return a->cmd.kind == BG_EXIT_UNKNOWN || bg_exit_ok(&a->cmd) ? 0 : -1;
}

/* Once the service answers: a start command that exits now daemonized it,
 * and its exit status counts; one that keeps running is the service. */
static int settle_command(start_attempt *a, char *why, size_t size)
{
	if (a->cmd_done) {
		return 0;
	}
	bg_child_wait(&a->child, BG_DAEMONIZE_GRACE_MS, &a->cmd);
	if (a->cmd.kind == BG_EXIT_TIMEOUT) {
		return 0;
	}
	a->cmd_done = 1;
	if (a->cmd.kind == BG_EXIT_UNKNOWN || bg_exit_ok(&a->cmd)) {
		return 0;
	}
	snprintf(why, size, "the start command failed after the service answered");
	return -1;
}

/* Why the wait ran out of health.timeout: never healthy, or healthy but
 * never health.successes times in a row. */
static void not_healthy_why(const bg_options *opt, int best_run, char *why, size_t size)
{
	if (best_run == 0) {
		snprintf(why, size, "not healthy within %g s (health.timeout)", opt->health_timeout);
	} else {
		snprintf(why, size, "not healthy %ld times in a row (health.successes, %g s apart) within %g s "
			"(health.timeout): at most %d", opt->health_successes, opt->health_interval,
			opt->health_timeout, best_run);
	}
}

/* Polls until the port has answered healthy health.successes times in a
 * row, health.interval apart (0), or the start command fails, or a bound
 * runs out (-1 with `why` said). An unhealthy answer starts the count
 * again: a release that answers once and then fails never takes traffic.
 * Until the first healthy answer it polls with a short back-off. A start
 * command that daemonizes must exit within command_timeout; one that stays
 * in the foreground is the service. health.timeout bounds the whole wait,
 * from the launch. */
static int wait_healthy(const bg_options *opt, int port, start_attempt *a, char *why, size_t size)
{
	/* Until the first healthy answer the probes follow the app closely (an
	 * EasySwoole app is up in ~40 ms: found within ~10 ms of it), then back
	 * off to 100 ms for one that takes seconds. A refused connection costs
	 * the app nothing. */
	double t0 = bg_now_ms(), pause = 5, wait;
	double health_deadline = t0 + opt->health_timeout * 1000;
	double command_deadline = t0 + opt->command_timeout * 1000;
	int run = 0, best_run = 0;

	for (;;) {
		double now;

		if (check_command(a) < 0) {
			snprintf(why, size, "the start command failed");
			return -1;
		}
		if (bg_service_healthy(opt, port, &a->last)) {
			if (++run >= opt->health_successes) {
				return settle_command(a, why, size);
			}
			best_run = run > best_run ? run : best_run;
		} else {
			run = 0;
		}
		now = bg_now_ms();
		if (now >= health_deadline) {
			not_healthy_why(opt, best_run, why, size);
			return -1;
		}
		if (!a->cmd_done && now >= command_deadline) {
			snprintf(why, size, "the start command neither exited nor became healthy within %g s "
				"(command_timeout)", opt->command_timeout);
			return -1;
		}
		wait = run > 0 ? opt->health_interval * 1000 : pause;
		if (wait > health_deadline - now) {
			wait = health_deadline - now;
		}
		if (a->cmd_done) {
			bg_sleep_ms(wait);
		} else {
			bg_child_pause(&a->child, wait); /* wakes up early if it exits */
		}
		if (run == 0) {
			pause = pause < 100 ? pause * 1.25 : 100;
		}
		if ((a->stopped = bg_stop_requested())) {
			snprintf(why, size, "interrupted by %s while waiting for it to be healthy",
				bg_stop_name(a->stopped));
			return -1;
		}
	}
}

/* Socket mode: the socket connectable for nginx's workers as soon as it is
 * healthy, before anything sends them there (a heal's restart on the live
 * port takes traffic without a switch). */
static int open_to_nginx(const bg_options *opt, int port, char *why, size_t size)
{
	bg_error e;

	if (bg_nginx_socket_connectable(opt, port, &e) < 0) {
		snprintf(why, size, "%.*s", (int) size - 1, e.msg);
		return -1;
	}
	return 0;
}

/* Stops everything this attempt started: the start command's session, what
 * it daemonized (processes started since, holding its output file, as
 * daemons keep their launcher's stdout), and whatever listens on the port. */
static void undo_start(const bg_options *opt, const bg_logger *log, int port, start_attempt *a)
{
	bg_pid_list left = { NULL, 0 };
	bg_error ignored;
	struct stat st;

	if (!a->cmd_done) {
		bg_child_kill_group(&a->child, 2000, &a->cmd);
	}
	if (stat(a->output, &st) == 0
		&& bg_proc_file_holders(st.st_dev, st.st_ino, a->since, &left, &ignored) == 0 && left.n > 0) {
		bg_log(log, BG_LOG_INFO, "start: stopping %zu process(es) the failed start left behind", left.n);
		bg_proc_terminate(&left, 2000);
	}
	bg_pid_list_free(&left);
	bg_error_clear(&ignored);
	if (bg_service_kill_port(opt, log, port, &ignored) < 0) {
		bg_log(log, BG_LOG_ERROR, "start: cannot clear port %d after the failed start: %s", port, ignored.msg);
	}
}

static void start_failure(const bg_options *opt, const bg_release *rel, int port, const start_attempt *a,
	const char *why, bg_error *err)
{
	char cmd_state[256], tail[1536], last[512] = "none";
	char *cmd = bg_strv_join(a->argv);
	int fd = open(a->output, O_RDONLY | O_CLOEXEC);

	tail[0] = '\0';
	if (fd >= 0) {
		bg_read_tail(fd, a->output_from, 15, tail, sizeof(tail));
		close(fd);
	}
	if (a->cmd_done) {
		bg_exit_describe(&a->cmd, cmd_state, sizeof(cmd_state));
	} else {
		snprintf(cmd_state, sizeof(cmd_state), "still running, stopped");
	}
	bg_error_set(err, BG_ERR_START, "start of %s on port %d failed: %s; start command `%s`: %s; ",
		bg_layout_basename(rel->path), port, why, cmd ? cmd : "?", cmd_state);
	if (a->last.status || a->last.error[0]) {
		bg_health_describe(opt, &a->last, last, sizeof(last));
	}
	bg_error_append(err, "last health check: %s", last);
	bg_error_append(err, "; output (%s):\n%s", a->output, tail[0] ? tail : "(none)");
	free(cmd);
}

/* The start command: the `start` option as given, or the EasySwoole form
 * this release needs, logged with the reason it was chosen. */
static int resolve_start(const bg_options *opt, const bg_logger *log, const bg_release *rel, int port,
	char ***argv, bg_error *err)
{
	bg_log_ctx ctx = { "start", -1, rel->commit, port };
	char why[512], *cmd;
	int ok = 1;

	if (opt->start) {
		*argv = bg_strv_dup(opt->start, &ok);
		return ok ? 0 : bg_error_set(err, BG_ERR_START, "out of memory");
	}
	if (bg_es_start_argv(opt, rel->path, argv, why, sizeof(why), err) < 0) {
		return -1;
	}
	cmd = bg_strv_join(*argv);
	bg_log_with(log, BG_LOG_INFO, &ctx, "start: command `%s`: %s", cmd ? cmd : "?", why);
	free(cmd);
	return 0;
}

/* Everything that can refuse the release runs before a stale service on the
 * port is stopped: a refused release costs nothing. `restart`: the port is
 * the live one, whose service died (the caller saw nothing listen there). */
static int start_on(const bg_options *opt, const bg_logger *log, bg_release *rel, int port,
	const char *live_dir, int restart, bg_error *err)
{
	start_attempt a;
	char why[256];
	double t0 = bg_now_ms();
	bg_log_ctx ctx = { "start", -1, rel->commit, port };
	int live, rc = -1;

	memset(&a, 0, sizeof(a));
	a.child.pid = -1;
	a.child.pidfd = -1;
	/* TEMP_DIR is read after the port files are set: it may name the port. */
	if (bg_check_pair_port(opt, port, err) < 0
		|| (!restart && bg_refuse_live_port(opt, port, "start on", "the live service's port", &live, err) < 0)
		|| set_port_files(opt, rel, port, err) < 0 || resolve_start(opt, log, rel, port, &a.argv, err) < 0
		|| bg_es_check_temp_dir(opt, log, rel->path, port, rel->commit, live_dir,
			bg_options_other_port(opt, port), err) < 0
		|| clear_port(opt, log, port, err) < 0 || clear_socket(opt, port, err) < 0
		|| !(a.output = bg_layout_output_log(opt, rel->path, BG_ERR_START, err))
		|| spawn_start(opt, rel, port, &a, err) < 0) {
		goto cleanup;
	}
	if (wait_healthy(opt, port, &a, why, sizeof(why)) < 0 || open_to_nginx(opt, port, why, sizeof(why)) < 0) {
		start_failure(opt, rel, port, &a, why, err);
		err->stopped = a.stopped;
		undo_start(opt, log, port, &a);
		goto cleanup;
	}
	if (a.cmd_done && a.cmd.kind == BG_EXIT_UNKNOWN) {
		bg_log(log, BG_LOG_WARNING, "start: the start command's exit status is unknown (reaped elsewhere); "
			"the health check passed");
	}
	rel->port = port;
	ctx.duration_ms = bg_now_ms() - t0;
	bg_log_step(log, BG_LOG_INFO, &ctx, "start: %s healthy on port %d%s", bg_layout_basename(rel->path),
		port, a.cmd_done ? "" : " (its start command stays in the foreground as the service)");
	rc = 0;

cleanup:
	bg_child_release(&a.child);
	bg_strv_free(a.argv);
	free(a.output);
	return rc;
}

void bg_service_ready(const bg_options *opt, const bg_release *rel, int port, const char *live_dir)
{
	bg_error ignored;

	if (bg_check_pair_port(opt, port, &ignored) == 0 && set_port_files(opt, rel, port, &ignored) == 0) {
		bg_es_read_temp_dirs(opt, rel->path, port, rel->commit, live_dir, bg_options_other_port(opt, port));
	}
}

int bg_service_start_beside(const bg_options *opt, const bg_logger *log, bg_release *rel, int port,
	const char *live_dir, bg_error *err)
{
	return start_on(opt, log, rel, port, live_dir, 0, err);
}

/* Its own TEMP_DIR is no one else's: live_dir is itself. */
int bg_service_restart_live(const bg_options *opt, const bg_logger *log, bg_release *rel, int port, bg_error *err)
{
	return start_on(opt, log, rel, port, rel->path, 1, err);
}

int bg_service_start(const bg_options *opt, const bg_logger *log, bg_release *rel, int port, bg_error *err)
{
	char *live_dir = bg_release_dir_for_port(opt, bg_options_other_port(opt, port), rel->path);
	int rc = bg_service_start_beside(opt, log, rel, port, live_dir, err);

	free(live_dir);
	return rc;
}
