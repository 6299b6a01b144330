/* The releaser inside the service it replaces, as in the seed: an EasySwoole
 * custom process of the old release deploys the new one, so stopping the old
 * port stops the releaser too. Everything that matters is done before: the
 * state says the new release is live and the old port's stop is pending; this
 * process lets go of the old port's listening socket; the stop is sent; and
 * the next generation's releaser confirms it (pipeline_recover.c). */
#include "pipeline_internal.h"
#include "proc.h"
#include "service_internal.h"
#include "spawn.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int bg_pipeline_self_hosted(const bg_options *opt, int port)
{
	bg_pid_list owners = { NULL, 0 };
	bg_error ignored;
	pid_t pid;
	int self = 0;

	if (bg_port_owners(opt, port, &owners, &ignored) < 0) {
		return 0;
	}
	for (pid = getpid(); pid > 1 && !self; pid = bg_proc_ppid(pid)) {
		self = bg_pid_list_has(&owners, pid);
	}
	bg_pid_list_free(&owners);
	return self;
}

/* This process's descriptors of the port's listening socket (a Swoole user
 * process holds one): closed, so that the port closes when the service's
 * own processes exit, not when this one is finally killed. */
static void close_own_copies(const bg_options *opt, int port)
{
	bg_inode_list inodes = { NULL, 0 };
	bg_error ignored;
	DIR *d;
	struct dirent *e;

	if (bg_proc_listen_inodes(opt->host, port, &inodes, &ignored) < 0 || !(d = opendir("/proc/self/fd"))) {
		bg_inode_list_free(&inodes);
		return;
	}
	while ((e = readdir(d))) {
		char link[300], target[64];
		unsigned long inode;
		ssize_t n;
		size_t i;

		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		if ((n = readlink(link, target, sizeof(target) - 1)) <= 0) {
			continue;
		}
		target[n] = '\0';
		for (i = 0; i < inodes.n; i++) {
			if (sscanf(target, "socket:[%lu]", &inode) == 1 && inode == inodes.inodes[i]) {
				close(atoi(e->d_name));
			}
		}
	}
	closedir(d);
	bg_inode_list_free(&inodes);
}

/* The stop, sent and not waited for: waiting would be waiting for our own
 * death. A `stop` command runs detached, so that it outlives us. */
static void send_stop(bg_pipeline *p, int port, const char *release_dir)
{
	const bg_options *opt = &p->r->opt;
	bg_pid_list owners = { NULL, 0 }, roots = { NULL, 0 };
	bg_error e;

	if (opt->stop) {
		char env_port[32];
		char *env[] = { env_port, NULL };
		bg_spawn_opts o = { opt->stop, release_dir, env, -1, 1, BG_ERR_START };
		bg_child child;

		snprintf(env_port, sizeof(env_port), "BLUEGREEN_PORT=%d", port);
		if (bg_spawn(&o, &child, &e) < 0) {
			bg_log(&p->r->log, BG_LOG_ERROR, "deploy: %s", e.msg);
		}
		bg_child_release(&child);
		return;
	}
	if (bg_port_owners(opt, port, &owners, &e) == 0 && bg_proc_service_roots(&owners, &roots, &e) == 0) {
		bg_proc_signal(&roots, SIGTERM);
	}
	bg_pid_list_free(&owners);
	bg_pid_list_free(&roots);
}

void bg_pipeline_hand_off(bg_pipeline *p, int port, const char *release_dir)
{
	bg_error e;

	bg_release_free(&p->st.deploy.rel);
	memset(&p->st.deploy, 0, sizeof(p->st.deploy));
	p->st.stop_pending_port = port;
	p->st.stop_pending_since = (long long) time(NULL);
	if (bg_state_save(&p->r->opt, &p->st, &e) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "deploy: cannot record the state: %s", e.msg);
	}
	bg_log(&p->r->log, BG_LOG_INFO, "deploy: %.7s is live on port %d; this releaser runs inside the service "
		"on port %d, which it now stops: the next generation's releaser confirms the stop (%s)",
		p->next.commit, p->next.port, port, p->timings);
	close_own_copies(&p->r->opt, port);
	send_stop(p, port, release_dir);
	/* Held until this process dies: exactly one releaser acts at a time. */
	p->r->handed_off = p->lock;
	p->lock.fd = -1;
}
