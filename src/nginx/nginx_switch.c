/* The switch of the nginx upstream from one port of the pair to the other:
 * rewrite, test, reload, verify — and the way back when a step fails. */
#include "nginx/nginx.h"
#include "nginx/nginx_internal.h"
#include "base/fs.h"
#include "nginx/nginx_conf.h"
#include "sys/spawn.h"
#include "base/strv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How long a reload may take to show new workers. */
#define BG_RELOAD_VERIFY_MS 10000

/* nginx's master forks the new workers, sleeps 100 ms (ngx_msleep in
 * ngx_master_process_cycle), then tells the old ones to quit, and they close
 * their listening sockets at once: a reload takes ~100-150 ms. Polled at most
 * this far apart until BG_RELOAD_CLOSE_MS, so that the switch ends within a
 * few ms of it (a poll costs next to nothing). Then every 50 ms. */
#define BG_RELOAD_POLL_MS 5
#define BG_RELOAD_CLOSE_MS 1000

/* nginx retries a bind every 500 ms, logging [emerg] each time: a reload is
 * refused once [emerg] lines have stopped coming for this long. */
#define BG_EMERG_SETTLE_MS 1000

/* One reload, watched until nginx took it or refused it. */
typedef struct {
	bg_pid_list before;          /* the master's workers before it */
	bg_inode_list *held;         /* the listening sockets each of them held, while verifying */
	size_t most;                 /* the most any of them held */
	unsigned long long since;    /* workers started from here on are new */
	long log_from;               /* the error log's size before it */
	long emerg_size;             /* the error log's size when [emerg] was last seen */
	double emerg_at;
} reload_watch;

typedef struct {
	const bg_options *opt;
	const bg_logger *log;
	char *orig;             /* the config file as it was, to put back */
	size_t orig_len;
	char *next;             /* the same with the new port */
	size_t next_len;
	pid_t master;
	char *error_log;        /* where nginx says why it refused a reload */
	reload_watch watch;     /* the switch's reload */
	int written;            /* the new config is on disk */
	int reloaded;           /* nginx was asked to load it */
	int nginx_gone;         /* no nginx runs after a failed reload */
} switch_ctx;

/* nginx.test, or `nginx -t -q [-p prefix] -c main_conf`. */
static char **test_argv(const bg_options *opt)
{
	char **argv = NULL;
	int ok;

	if (opt->nginx.test) {
		return bg_strv_dup(opt->nginx.test, &ok);
	}
	bg_strv_push(&argv, opt->nginx.binary);
	bg_strv_push(&argv, "-t");
	bg_strv_push(&argv, "-q");
	if (opt->nginx.prefix) {
		bg_strv_push(&argv, "-p");
		bg_strv_push(&argv, opt->nginx.prefix);
	}
	bg_strv_push(&argv, "-c");
	bg_strv_push(&argv, opt->nginx.main_conf);
	return argv;
}

/* Runs an nginx command (test or reload); -1 unless it exits 0. */
static int run_nginx_command(const switch_ctx *c, char **argv, const char *what, bg_error *err)
{
	bg_spawn_opts o = { argv, NULL, NULL, -1, 0, BG_ERR_NGINX };
	bg_run_result res;
	char how[256], *cmd;

	if (bg_run(&o, c->opt->command_timeout * 1000, NULL, &res, err) < 0) {
		return -1;
	}
	if (res.n_left > 0 && (cmd = bg_strv_join(argv))) {
		char who[400];

		snprintf(who, sizeof(who), "switch: `%.300s`", cmd);
		bg_run_log_left(c->log, who, &res);
		free(cmd);
	}
	if (bg_exit_ok(&res.exit)) {
		return 0;
	}
	bg_exit_describe(&res.exit, how, sizeof(how));
	cmd = bg_strv_join(argv);
	bg_error_set(err, BG_ERR_NGINX, "%s: `%s`: %s%s%s", what, cmd ? cmd : argv[0], how,
		res.tail[0] ? ":\n" : "", res.tail);
	free(cmd);
	return -1;
}

static int test_config(const switch_ctx *c, bg_error *err)
{
	char **argv = test_argv(c->opt);
	int rc;

	if (!argv) {
		return bg_error_set(err, BG_ERR_NGINX, "out of memory");
	}
	rc = run_nginx_command(c, argv, "nginx rejected the new config", err);
	bg_strv_free(argv);
	return rc;
}

static int reload(const switch_ctx *c, bg_error *err)
{
	if (c->opt->nginx.reload) {
		return run_nginx_command(c, c->opt->nginx.reload, "the reload command failed", err);
	}
	if (kill(c->master, SIGHUP) < 0) {
		return bg_error_sys(err, BG_ERR_NGINX, "cannot send SIGHUP to the nginx master (pid %d); "
			"an unprivileged releaser can reload with the `nginx.reload` option, e.g. "
			"['sudo', '-n', 'systemctl', 'reload', 'nginx']", (int) c->master);
	}
	return 0;
}

/* A worker of this reload: not there before it, and started after it (a
 * worker of an earlier reload still in progress does not count). */
static int new_worker_appeared(const switch_ctx *c, const reload_watch *w)
{
	bg_pid_list now = { NULL, 0 };
	bg_error ignored;
	size_t i;
	int found = 0;

	if (bg_proc_children(c->master, &now, &ignored) == 0) {
		for (i = 0; i < now.n && !found; i++) {
			found = !bg_pid_list_has(&w->before, now.pids[i]) && bg_proc_starttime(now.pids[i]) >= w->since;
		}
	}
	bg_pid_list_free(&now);
	return found;
}

/* nginx answers a reload it refuses (a port it cannot bind, a file it cannot
 * open) only in its error log: the lines it wrote since we asked. */
static void append_nginx_reason(const switch_ctx *c, const reload_watch *w, bg_error *err)
{
	char tail[1024];
	int fd;

	if (!c->error_log || (fd = open(c->error_log, O_RDONLY | O_CLOEXEC)) < 0) {
		bg_error_append(err, "; see nginx's error log for the reason");
		return;
	}
	bg_read_tail(fd, w->log_from, 6, tail, sizeof(tail));
	close(fd);
	bg_error_append(err, "; nginx's error log (%s) says:\n%s", c->error_log, tail[0] ? tail : "(nothing)");
}

/* The listening sockets each worker of before the reload holds, and the
 * most any of them holds: what a worker closes as it stops accepting. */
static int snapshot_listening(reload_watch *w, bg_error *err)
{
	bg_inode_list listening = { NULL, 0 };
	size_t i;
	int rc = 0;

	if (w->before.n == 0) {
		return 0;
	}
	if (bg_proc_all_listen_inodes(&listening, err) < 0) {
		return -1;
	}
	if (!(w->held = calloc(w->before.n, sizeof(*w->held)))) {
		rc = bg_error_set(err, BG_ERR_NGINX, "out of memory while listing nginx's listening sockets");
	}
	for (i = 0; rc == 0 && i < w->before.n; i++) {
		if (bg_proc_held_sockets(w->before.pids[i], &listening, &w->held[i]) < 0) {
			rc = bg_error_set(err, BG_ERR_NGINX, "out of memory while listing nginx's listening sockets");
		}
		w->most = w->held[i].n > w->most ? w->held[i].n : w->most;
	}
	bg_inode_list_free(&listening);
	return rc;
}

static void snapshot_free(reload_watch *w)
{
	size_t i;

	for (i = 0; w->held && i < w->before.n; i++) {
		bg_inode_list_free(&w->held[i]);
	}
	free(w->held);
	w->held = NULL;
	w->most = 0;
}

/* An old worker accepts no new request once it has closed its listening
 * sockets: nginx closes all of them at once as it starts its graceful
 * shutdown. Only those it held before the reload count, and only while it
 * holds every one: a listening socket nginx inherited from whoever started it
 * (a PHP server, a test runner) stays open in every nginx process, old or
 * new, until that process exits, and says nothing of the reload (counting it
 * made a switch wait for the old workers' slow requests, then fail after
 * BG_RELOAD_VERIFY_MS). A worker of an earlier reload, still shutting down,
 * held fewer than the current ones; a pid started since the reload is
 * another process. */
static int old_workers_accepting(const reload_watch *w)
{
	size_t i;
	int accepting = 0;

	for (i = 0; w->most > 0 && i < w->before.n && !accepting; i++) {
		pid_t pid = w->before.pids[i];
		bg_inode_list now = { NULL, 0 };

		if (w->held[i].n < w->most || bg_proc_state_of(pid) != BG_PROC_ALIVE || bg_proc_starttime(pid) >= w->since) {
			continue;
		}
		accepting = bg_proc_held_sockets(pid, &w->held[i], &now) < 0 || now.n == w->held[i].n;
		bg_inode_list_free(&now);
	}
	return accepting;
}

/* Whether nginx has refused the reload: [emerg] lines in its error log since
 * the reload, and no new one for BG_EMERG_SETTLE_MS. */
static int reload_refused(const switch_ctx *c, reload_watch *w)
{
	char tail[4096];
	long size;
	int fd;

	if (!c->error_log || (fd = open(c->error_log, O_RDONLY | O_CLOEXEC)) < 0) {
		return 0;
	}
	size = (long) lseek(fd, 0, SEEK_END);
	if (size != w->emerg_size) {
		bg_read_tail(fd, w->log_from, 40, tail, sizeof(tail));
		if (strstr(tail, "[emerg]")) {
			w->emerg_size = size;
			w->emerg_at = bg_now_ms();
		}
	}
	close(fd);
	return w->emerg_at > 0 && bg_now_ms() - w->emerg_at >= BG_EMERG_SETTLE_MS;
}

/* The reload took when the master runs workers it did not have before, and
 * no old worker accepts connections any more: from then on every request is
 * proxied with the new config. */
static int verify_reload(const switch_ctx *c, reload_watch *w, bg_error *err)
{
	double t0 = bg_now_ms(), deadline = t0 + BG_RELOAD_VERIFY_MS, pause = 2;
	int renewed = 0;

	while (bg_now_ms() < deadline) {
		if (bg_proc_state_of(c->master) != BG_PROC_ALIVE) {
			return bg_error_set(err, BG_ERR_NGINX, "the nginx master (pid %d) exited during the reload",
				(int) c->master);
		}
		renewed = renewed || new_worker_appeared(c, w);
		if (renewed && !old_workers_accepting(w)) {
			return 0;
		}
		if (!renewed && reload_refused(c, w)) {
			break;
		}
		bg_sleep_ms(pause);
		pause = bg_now_ms() - t0 < BG_RELOAD_CLOSE_MS ? BG_RELOAD_POLL_MS : 50;
	}
	if (renewed) {
		return bg_error_set(err, BG_ERR_NGINX, "nginx started new workers, but its old workers still "
			"accept connections %d s after the reload", BG_RELOAD_VERIFY_MS / 1000);
	}
	bg_error_set(err, BG_ERR_NGINX, "nginx did not load the new config: no new worker process after the reload");
	append_nginx_reason(c, w, err);
	return -1;
}

/* Asks nginx to reload and waits until it took the config or refused it, so
 * that no reload is still under way when we return. */
static int reload_verified(const switch_ctx *c, reload_watch *w, bg_error *err)
{
	int fd, rc;

	memset(w, 0, sizeof(*w));
	if (bg_proc_children(c->master, &w->before, err) < 0) {
		return -1;
	}
	if (c->error_log && (fd = open(c->error_log, O_RDONLY | O_CLOEXEC)) >= 0) {
		w->log_from = (long) lseek(fd, 0, SEEK_END);
		close(fd);
	}
	w->since = bg_proc_ticks_now();
	rc = snapshot_listening(w, err) < 0 || reload(c, err) < 0 ? -1 : verify_reload(c, w, err);
	snapshot_free(w);
	return rc;
}

/* The master the pid file names now, when it is another one than c->master
 * (nginx was restarted by someone else): waited for, bounded, since a
 * restart leaves a moment with no master or the old pid in the file. 0 when
 * the master we knew still runs, or no nginx runs at all. */
static pid_t restarted_master(const switch_ctx *c)
{
	double deadline = bg_now_ms() + BG_RELOAD_VERIFY_MS;
	pid_t now = 0;
	bg_error ignored;
	bg_pid_list workers = { NULL, 0 };

	while (bg_now_ms() < deadline) {
		if (bg_nginx_master(c->opt, &now, &ignored) == 0) {
			if (now == c->master) {
				return 0;
			}
			/* The pid file is written before the workers are forked. */
			if (bg_proc_children(now, &workers, &ignored) == 0 && workers.n > 0) {
				bg_pid_list_free(&workers);
				return now;
			}
			bg_pid_list_free(&workers);
		}
		bg_sleep_ms(20);
	}
	return 0;
}

/* A reload failed. Decide from what nginx runs, not from what we asked: if
 * someone else restarted it meanwhile, the new master read the config on
 * disk when it started, and that is ours once the reload was under way (a
 * master started after we ran the reload command was started after the
 * write). One started before is asked to reload, once. 1 when nginx now
 * runs the new config: the switch took, and nothing may be undone. */
static int took_after_restart(switch_ctx *c, bg_error *err)
{
	pid_t gone = c->master, now = restarted_master(c);
	unsigned long long asked;
	reload_watch w;
	bg_error e;
	int ok;

	if (!now) {
		c->nginx_gone = bg_proc_state_of(c->master) != BG_PROC_ALIVE;
		return 0;
	}
	c->master = now;
	if (c->watch.since == 0 || bg_proc_starttime(now) < c->watch.since) {
		asked = bg_proc_ticks_now();
		ok = reload_verified(c, &w, &e) == 0;
		bg_pid_list_free(&w.before);
		if (!ok && !((now = restarted_master(c)) && bg_proc_starttime(now) >= asked)) {
			bg_error_append(err, "; nginx was restarted meanwhile (master pid %d, now pid %d), and "
				"reloading the new master failed too: %s", (int) gone, (int) c->master, e.msg);
			return 0;
		}
		c->master = now ? now : c->master;
	}
	bg_log(c->log, BG_LOG_WARNING, "switch: nginx was restarted during the switch (master pid %d, now pid %d), "
		"and the new master runs the new config: the switch took", (int) gone, (int) c->master);
	return 1;
}

/* Whether the master has a worker started at or after `since`: one that may
 * run a config loaded since then. */
static int workers_since(pid_t master, unsigned long long since)
{
	bg_pid_list now = { NULL, 0 };
	bg_error ignored;
	size_t i;
	int found = 0;

	if (bg_proc_children(master, &now, &ignored) == 0) {
		for (i = 0; i < now.n && !found; i++) {
			found = bg_proc_starttime(now.pids[i]) >= since;
		}
	}
	bg_pid_list_free(&now);
	return found;
}

/* Puts the original bytes back, and has nginx load them again if it was
 * asked to load the new ones. 1 when nginx may still run the new config: it
 * was asked to load it, and loading the restored one failed. */
static int restore(switch_ctx *c)
{
	reload_watch w;
	bg_error e;
	pid_t now;
	int failed;

	if (c->written && bg_write_file_atomic(c->opt->nginx.conf, c->orig, c->orig_len, BG_ERR_NGINX, &e) < 0) {
		bg_log(c->log, BG_LOG_ERROR, "switch: cannot restore %s: %s", c->opt->nginx.conf, e.msg);
		return c->reloaded;
	}
	/* The master to reload is the one running now, not a gone one; with
	 * none, nginx reads the restored file when it is started again. */
	if (c->reloaded && bg_proc_state_of(c->master) != BG_PROC_ALIVE) {
		if (c->nginx_gone || !(now = restarted_master(c))) {
			bg_log(c->log, BG_LOG_WARNING, "switch: %s restored byte for byte; nginx is not running (its "
				"master pid %d is gone): it reads that file when it starts", c->opt->nginx.conf, (int) c->master);
			return 0;
		}
		c->master = now;
	}
	failed = c->reloaded && reload_verified(c, &w, &e) < 0;
	if (c->reloaded) {
		bg_pid_list_free(&w.before);
	}
	if (failed) {
		bg_log(c->log, BG_LOG_ERROR, "switch: %s restored, but reloading nginx with it failed: %s",
			c->opt->nginx.conf, e.msg);
		return workers_since(c->master, c->watch.since);
	}
	if (c->written) {
		bg_log(c->log, BG_LOG_WARNING, "switch: %s restored byte for byte%s", c->opt->nginx.conf,
			c->reloaded ? " and nginx reloaded with it" : "");
	}
	return 0;
}

static void ctx_init(switch_ctx *c, const bg_options *opt, const bg_logger *log, bg_switch *out)
{
	memset(c, 0, sizeof(*c));
	if (out) {
		memset(out, 0, sizeof(*out));
	}
	c->opt = opt;
	c->log = log;
}

static void ctx_free(switch_ctx *c)
{
	bg_pid_list_free(&c->watch.before);
	free(c->orig);
	free(c->next);
	free(c->error_log);
}

/* The upstream's file as it is, into c->orig. */
static int read_conf(switch_ctx *c, bg_error *err)
{
	if (bg_read_file(c->opt->nginx.conf, &c->orig, &c->orig_len, BG_ERR_NGINX, err) < 0) {
		return bg_error_prefix(err, "nginx.conf");
	}
	return 0;
}

/* nginx's master, and where it says why it refused a reload, if it has a
 * file for it. */
static int find_master(switch_ctx *c, bg_error *err)
{
	bg_error ignored;

	if (bg_nginx_master(c->opt, &c->master, err) < 0) {
		return -1;
	}
	c->error_log = bg_nginx_main_path(c->opt, "error_log", &ignored);
	return 0;
}

/* Reads the config and the master: everything that can fail before a byte
 * is written. Sets *from; c->next stays NULL when the port is already live. */
static int prepare_switch(switch_ctx *c, int port, int *from, bg_error *err)
{
	const bg_options *o = c->opt;
	int rc;

	if (read_conf(c, err) < 0) {
		return -1;
	}
	/* Out of a canary (both ports, weighted): the config as before it, on port. */
	rc = bg_nginx_conf_uncanary(c->orig, c->orig_len, o->nginx.conf, o->nginx.upstream, o->host, o->ports,
		port, from, &c->next, &c->next_len, err);
	if (rc < 0) {
		return -1;
	}
	if (rc == 1) {
		if (bg_nginx_conf_active_port(c->orig, c->orig_len, o->nginx.conf, o->nginx.upstream, o->host,
				o->ports, from, err) < 0) {
			return -1;
		}
		if (*from == port) {
			return 0;
		}
		if (bg_nginx_conf_rewrite(c->orig, c->orig_len, o->nginx.conf, o->nginx.upstream, o->host, o->ports,
				port, &c->next, &c->next_len, err) < 0) {
			return -1;
		}
	}
	return find_master(c, err);
}

/* The config with port beside the live one, weighted. */
static int prepare_canary(switch_ctx *c, int port, int weight, int *from, bg_error *err)
{
	const bg_options *o = c->opt;

	if (read_conf(c, err) < 0
		|| bg_nginx_conf_active_port(c->orig, c->orig_len, o->nginx.conf, o->nginx.upstream, o->host, o->ports,
			from, err) < 0
		|| bg_nginx_conf_canary(c->orig, c->orig_len, o->nginx.conf, o->nginx.upstream, o->host, o->ports, port,
			weight, &c->next, &c->next_len, err) < 0) {
		return -1;
	}
	return find_master(c, err);
}

static void log_switched(const switch_ctx *c, int from, int port, double t0, size_t old_workers)
{
	bg_log_ctx ctx = { "switch", bg_now_ms() - t0, NULL, port };

	bg_log_step(c->log, BG_LOG_INFO, &ctx, "switch: nginx upstream \"%s\" now points to port %d instead of %d; "
		"reloaded, %zu old worker(s) finishing their requests", c->opt->nginx.upstream, port, from,
		old_workers);
}

/* c->next written, tested, loaded and proven; the original put back when
 * a step fails. */
static int apply(switch_ctx *c, bg_switch *out, bg_error *err)
{
	if (bg_write_file_atomic(c->opt->nginx.conf, c->next, c->next_len, BG_ERR_NGINX, err) < 0) {
		return -1;
	}
	c->written = 1;
	if (test_config(c, err) < 0) {
		out->unsure = restore(c);
		return -1;
	}
	c->reloaded = 1;
	if (reload_verified(c, &c->watch, err) < 0) {
		if (!took_after_restart(c, err)) {
			out->unsure = restore(c);
			return -1;
		}
		/* The old master's workers are gone with it: nothing to wait for. */
		bg_pid_list_free(&c->watch.before);
	}
	out->master = c->master;
	out->old_workers = c->watch.before;
	c->watch.before.pids = NULL;
	c->watch.before.n = 0;
	return 0;
}

int bg_nginx_switch(const bg_options *opt, const bg_logger *log, int port, bg_switch *out, bg_error *err)
{
	switch_ctx c;
	double t0 = bg_now_ms();
	int from = 0, rc = -1;

	ctx_init(&c, opt, log, out);
	if (!bg_options_other_port(opt, port)) {
		return bg_error_set(err, BG_ERR_VALUE, "port %d is not one of the pair %d/%d (option \"ports\")",
			port, opt->ports[0], opt->ports[1]);
	}
	if (bg_options_socket_switch(opt)) {
		return bg_nginx_socket_switch(opt, log, port, out, err);
	}
	if (prepare_switch(&c, port, &from, err) < 0) {
		goto cleanup;
	}
	out->from = from;
	out->to = port;
	if (!c.next) {
		bg_log(log, BG_LOG_INFO, "switch: nginx upstream \"%s\" already points to port %d", opt->nginx.upstream, port);
		rc = 0;
		goto cleanup;
	}
	rc = apply(&c, out, err);
	if (rc == 0) {
		log_switched(&c, from, port, t0, out->old_workers.n);
	}

cleanup:
	ctx_free(&c);
	return rc;
}

int bg_nginx_canary(const bg_options *opt, const bg_logger *log, int port, int weight, bg_switch *out, bg_error *err)
{
	switch_ctx c;
	double t0 = bg_now_ms();
	int from = 0, rc = -1;

	ctx_init(&c, opt, log, out);
	if (prepare_canary(&c, port, weight, &from, err) == 0) {
		out->from = from;
		out->to = port;
		rc = apply(&c, out, err);
	}
	if (rc == 0) {
		bg_log_ctx ctx = { "canary", bg_now_ms() - t0, NULL, port };
		char took[32];

		bg_format_duration(took, sizeof(took), ctx.duration_ms);
		bg_log_with(log, BG_LOG_INFO, &ctx, "canary: nginx upstream \"%s\" holds port %d (weight %d) beside "
			"port %d (weight %d); reloaded (%s)", opt->nginx.upstream, port, weight, from, 100 - weight, took);
	}
	ctx_free(&c);
	return rc;
}

int bg_nginx_reload(const bg_options *opt, const bg_logger *log, bg_error *err)
{
	switch_ctx c;
	int rc = -1;

	if (bg_options_socket_switch(opt)) {
		return 0;   /* nginx's config never changes: nothing to reload */
	}
	ctx_init(&c, opt, log, NULL);
	if (find_master(&c, err) == 0 && (rc = reload_verified(&c, &c.watch, err)) == 0) {
		bg_log(log, BG_LOG_INFO, "nginx reloaded with %s as it is", opt->nginx.main_conf);
	}
	ctx_free(&c);
	return rc;
}
