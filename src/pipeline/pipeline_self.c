/* The releaser inside the service it replaces, as in the seed: an EasySwoole
 * custom process of the old release deploys the new one, so stopping the old
 * port stops the releaser too. Everything that matters is done before: the
 * state says the new release is live and the old port's stop is pending; this
 * process lets go of the old port's listening socket; the stop is sent; and
 * the next generation's releaser confirms it (pipeline_recover.c). */
#include "pipeline/pipeline.h"
#include "layout/layout.h"
#include "sys/proc.h"
#include "service/service_internal.h"
#include "sys/spawn.h"
#include "base/strv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* This process or an ancestor holds the port's listening socket. Ancestors
 * count because a user process does not always hold a copy itself (Swoole's
 * manager closed the listening sockets up to v4.6.3) while its master does.
 * That also takes in processes below a worker or a user process, which the
 * service's stop does not end: bg_pipeline_handed_off_poll() lets such a
 * releaser give the lock back once the service is gone. */
int bg_pipeline_self_hosted(const bg_options *opt, int port)
{
	bg_inode_list inodes = { NULL, 0 };
	bg_error ignored;
	pid_t pid;
	int self = 0;

	/* Only this process's line of ancestors is looked at, not every
	 * process's descriptors: a few processes read at every deploy. */
	if (bg_port_listen_inodes(opt, port, &inodes, &ignored) < 0) {
		return 0;
	}
	for (pid = getpid(); inodes.n > 0 && pid > 1 && !self; pid = bg_proc_ppid(pid)) {
		self = bg_proc_holds_socket(pid, &inodes);
	}
	bg_inode_list_free(&inodes);
	return self;
}

/* This process's descriptors of the port's listening socket (a Swoole user
 * process holds one): let go of, so that the port closes when the service's
 * own processes exit, not when this one is finally killed.
 *
 * Not close(): the descriptor belongs to someone else (Swoole's port, a PHP
 * stream), who will close it again on the way out, and by then its number
 * may name another file (our own next open() takes the lowest free number).
 * /dev/null is put in its place instead: the number stays taken, the socket
 * is let go. */
static void close_own_copies(const bg_options *opt, int port)
{
	bg_inode_list inodes = { NULL, 0 };
	bg_error ignored;
	int *fds = NULL, null = -1;
	size_t n = 0, i;

	if (bg_port_listen_inodes(opt, port, &inodes, &ignored) == 0) {
		bg_proc_own_socket_fds(&inodes, &fds, &n);
	}
	for (i = 0; i < n; i++) {
		if (null < 0) {
			null = open("/dev/null", O_RDWR | O_CLOEXEC);
		}
		/* dup3 keeps it close-on-exec whatever it was: it is nothing now. */
		if (null < 0 || dup3(null, fds[i], O_CLOEXEC) < 0) {
			close(fds[i]);
		}
	}
	if (null >= 0) {
		close(null);
	}
	free(fds);
	bg_inode_list_free(&inodes);
}

/* The `stop` command, run detached and not waited for (it outlives us), its
 * output in the old release's output log. Its pid is kept to be reaped. A
 * failure is logged: the next generation's releaser finishes the stop. */
typedef struct {
	const char *release_dir;
	pid_t pid;
} detached_stop;

static int run_stop_detached(const bg_options *opt, const bg_logger *log, int port, void *data, bg_error *err)
{
	detached_stop *d = data;
	bg_release_env env;
	bg_spawn_opts o = { opt->stop, d->release_dir, env.env, -1, 1, BG_ERR_START };
	char *output, *cmd = bg_strv_join(opt->stop);
	bg_child child = { -1, -1 };
	bg_error e;

	if (bg_release_env_init(&env, port, NULL, NULL, NULL) < 0) {
		bg_log(log, BG_LOG_ERROR, "deploy: cannot run `%s`: out of memory", cmd ? cmd : "?");
		free(cmd);
		return 0;
	}
	output = bg_layout_output_log(opt, d->release_dir, BG_ERR_START, &e);
	if (output && (o.out_fd = open(output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) >= 0) {
		bg_output_header(o.out_fd, &o);
	}
	if (bg_spawn(&o, &child, &e) < 0) {
		bg_log(log, BG_LOG_ERROR, "deploy: %s", e.msg);
	} else {
		d->pid = child.pid;
		bg_log(log, BG_LOG_INFO, "stop: `%s` started in %s (pid %d), not waited for%s%s",
			cmd ? cmd : "?", d->release_dir, (int) d->pid, output ? "; output in " : "", output ? output : "");
	}
	bg_child_release(&child);
	if (o.out_fd >= 0) {
		close(o.out_fd);
	}
	bg_release_env_free(&env);
	free(output);
	free(cmd);
	return 0;
}

/* The stop, sent and not waited for: waiting would be waiting for our own
 * death. SIGTERM goes to the service's root (the owner whose parent is no
 * owner: Swoole's master, which stops its manager, which stops the workers
 * and user processes); the roots are remembered to tell when the service is
 * gone. */
static void send_stop(bg_pipeline *p, int port, const char *release_dir)
{
	const bg_options *opt = &p->r->opt;
	bg_handoff *h = &p->r->handed_off;
	detached_stop d = { release_dir, 0 };
	bg_stop_how how = { opt->stop ? run_stop_detached : NULL, &d, 1, &h->roots, NULL };
	bg_error e;

	if (bg_stop_port_owners(opt, &p->r->log, port, &how, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "deploy: cannot stop the service on port %d: %s", port, e.msg);
		return;
	}
	h->stop_pid = d.pid;
}

void bg_pipeline_hand_off(bg_pipeline *p, int port, const char *release_dir)
{
	bg_handoff *h = &p->r->handed_off;
	bg_error e;

	bg_release_free(&p->st.deploy.rel);
	memset(&p->st.deploy, 0, sizeof(p->st.deploy));
	p->st.stop_pending_port = port;
	p->st.stop_pending_since = (long long) time(NULL);
	if (bg_state_save(&p->r->opt, &p->st, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "deploy: cannot record the state: %s", e.msg);
	}
	/* Now, not by the next generation, which prunes only when it deploys:
	 * the old release is the previous one, which prune keeps. */
	bg_pipeline_prune(p);
	bg_log(&p->r->log, BG_LOG_INFO, "deploy: %.*s is live on port %d; this releaser runs inside the service "
		"on port %d, which it now stops: the next generation's releaser confirms the stop (%s)",
		BG_SHORT_SHA_LEN, p->next.commit, p->next.port, port, p->timings);
	h->done = 1;
	h->port = port;
	h->since = p->st.stop_pending_since;
	close_own_copies(&p->r->opt, port);
	send_stop(p, port, release_dir);
	/* Held until this process dies: exactly one releaser acts at a time. */
	h->lock = p->lock;
	p->lock.fd = -1;
}

/* The detached `stop` command, reaped once it has exited (it is our child:
 * a zombie otherwise, for as long as we live). */
static void reap_stop_command(bg_releaser *r)
{
	bg_handoff *h = &r->handed_off;
	int status;
	pid_t got;

	if (h->stop_pid <= 0) {
		return;
	}
	got = waitpid(h->stop_pid, &status, WNOHANG);
	if (got == h->stop_pid || (got < 0 && errno == ECHILD)) {
		bg_exit ex = { BG_EXIT_UNKNOWN, 0 };
		char how[256];

		if (got == h->stop_pid) {
			bg_exit_from_status(status, &ex);
		}
		bg_exit_describe(&ex, how, sizeof(how));
		bg_log(&r->log, bg_exit_ok(&ex) ? BG_LOG_INFO : BG_LOG_WARNING,
			"stop: the `stop` command (pid %d) for port %d ended: %s", (int) h->stop_pid, h->port, how);
		h->stop_pid = 0;
	}
}

void bg_pipeline_handed_off_poll(bg_releaser *r)
{
	bg_handoff *h = &r->handed_off;
	double waited;

	reap_stop_command(r);
	if (h->lock.fd < 0) {
		return;
	}
	/* The service stopped and we are still here: we were not one of its
	 * processes (a child of a worker, say), and nothing will end us. Keeping
	 * the lock would keep the next generation from ever deploying. (Without
	 * a root to watch, the lock is kept until we die, as it always is when
	 * the service's stop ends us.) */
	if (h->roots.n > 0 && bg_proc_wait_gone(&h->roots, 0) == 0) {
		bg_lock_release(&h->lock);
		bg_log(&r->log, BG_LOG_INFO, "tick: the service on port %d is gone and this process (pid %d) outlived "
			"it, so it was not one of its processes: the deploy lock is released for the next generation's "
			"releaser; this one deploys nothing more", h->port, (int) getpid());
		return;
	}
	waited = (double) time(NULL) - (double) h->since;
	if (!h->warned && waited > r->opt.stop_timeout) {
		h->warned = 1;
		bg_log(&r->log, BG_LOG_WARNING, "tick: the service on port %d (pid %d) has not stopped %.0f s after it was "
			"asked to; this releaser keeps the deploy lock until its own process is gone, then the next "
			"generation's releaser finishes the stop", h->port, h->roots.n ? (int) h->roots.pids[0] : 0, waited);
	}
}
