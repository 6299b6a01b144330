#include "git/git_child.h"
#include "base/clock.h"
#include "base/fs.h"
#include "git/git_cache.h"
#include "sys/spawn.h"
#include "base/strv.h"

#include <dirent.h>
#include <git2.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child's result, for bg_git_phase(); NULL in the parent. */
static bg_git_result *in_child;

void bg_git_phase(const char *phase, int network)
{
	if (!in_child) {
		return;
	}
	snprintf(in_child->phase, sizeof(in_child->phase), "%s", phase);
	if (!network) {
		in_child->net_since = 0;
	} else if (!in_child->net_since) {
		in_child->net_since = bg_now_ms();  /* CLOCK_MONOTONIC: the parent reads the same clock */
	}
}

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* The child's log sink: lines wait in the shared result for the parent. */
static void child_sink(void *data, bg_log_level level, const char *message, const bg_log_ctx *ctx)
{
	bg_git_result *res = data;
	bg_git_child_line *l;

	if (res->nlines >= BG_GIT_CHILD_LOG_MAX) {
		return;
	}
	l = &res->lines[res->nlines++];
	l->level = level;
	l->port = ctx ? ctx->port : 0;
	l->duration_ms = ctx ? ctx->duration_ms : -1;
	copy_str(l->step, sizeof(l->step), ctx ? ctx->step : NULL);
	copy_str(l->commit, sizeof(l->commit), ctx ? ctx->commit : NULL);
	copy_str(l->msg, sizeof(l->msg), message);
}

static void replay(const bg_logger *log, const bg_git_result *res)
{
	int i;

	for (i = 0; i < res->nlines; i++) {
		const bg_git_child_line *l = &res->lines[i];
		bg_log_ctx ctx = { l->step[0] ? l->step : NULL, l->duration_ms, l->commit[0] ? l->commit : NULL,
			l->port };

		bg_log_with(log, l->level, &ctx, "%s", l->msg);
	}
}

static double local_bound_s(const bg_options *opt);

/* The child: every signal blocked but the fatal ones and SIGALRM (its own
 * backstop should the parent vanish without PR_SET_PDEATHSIG firing), so
 * that no handler of the parent's (PHP's, Swoole's) ever runs here; it
 * ends with _exit, running no atexit handler and freeing nothing. */
static void child_main(pid_t parent, const bg_options *opt, bg_git_child_fn fn, void *arg,
	bg_git_result *res)
{
	bg_logger log = { .sink = child_sink, .data = res };
	sigset_t all;

	sigfillset(&all);
	sigdelset(&all, SIGALRM);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGABRT);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGALRM, SIG_DFL);
	alarm((unsigned int) local_bound_s(opt) + 10);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) {
		_exit(1);
	}
	in_child = res;
	bg_error_clear(&res->err);
	res->rc = fn(arg, res, &log, &res->err);
	__atomic_store_n(&res->done, 1, __ATOMIC_RELEASE);
	_exit(0);
}

static int child_done(bg_git_result *res)
{
	return __atomic_load_n(&res->done, __ATOMIC_ACQUIRE);
}

/* Whether the child has exited: reaped here (status filled), or by someone
 * else (Swoole's SIGCHLD handler: ECHILD). */
static int child_gone(pid_t pid, int *status)
{
	pid_t r = waitpid(pid, status, WNOHANG);

	return r == pid || (r < 0 && errno == ECHILD);
}

typedef enum { ENDED, TIMED_OUT, STOPPED } wait_end;

/* The child's local work (opening the cache, the clone, the checkout of a
 * large tree) is no network wait: it is bounded by command_timeout or this,
 * whichever is longer, so that a short command_timeout meant for the
 * network does not cut a checkout. */
#define BG_GIT_LOCAL_MIN_S 60.0

static double local_bound_s(const bg_options *opt)
{
	return opt->command_timeout > BG_GIT_LOCAL_MIN_S ? opt->command_timeout : BG_GIT_LOCAL_MIN_S;
}

/* Waits until the child exits, a stop is pending, its current run of
 * network phases has lasted net_ms (*net 1), or the whole has reached
 * deadline (*net 0); waking at least every 50 ms to ask. */
static wait_end wait_child(pid_t pid, int pidfd, const bg_git_result *res, double net_ms,
	double deadline, int *status, int *sig, int *net)
{
	double pause = 0.2;

	for (;;) {
		double now, since, left;

		if (child_gone(pid, status)) {
			return ENDED;
		}
		if ((*sig = bg_stop_requested())) {
			return STOPPED;
		}
		now = bg_now_ms();
		since = *(const volatile double *) &res->net_since;
		if ((*net = since > 0 && now - since >= net_ms) || now >= deadline) {
			return TIMED_OUT;
		}
		left = deadline - now;
		if (since > 0 && since + net_ms - now < left) {
			left = since + net_ms - now;
		}
		if (left > 50) {
			left = 50;
		}
		if (pidfd >= 0) {
			struct pollfd p = { pidfd, POLLIN, 0 };

			poll(&p, 1, (int) (left + 0.999));
		} else {
			bg_sleep_ms(pause < left ? pause : left);
			pause = pause < 25 ? pause * 2 : 50;
		}
	}
}

/* SIGKILL, and the zombie reaped (bounded: a killed process goes at once). */
static void kill_child(pid_t pid, int pidfd)
{
	int status;

	kill(pid, SIGKILL);
	if (pidfd >= 0) {
		struct pollfd p = { pidfd, POLLIN, 0 };

		poll(&p, 1, 5000);
	}
	if (!child_gone(pid, &status)) {
		int i;

		for (i = 0; i < 500 && !child_gone(pid, &status); i++) {
			bg_sleep_ms(10);
		}
	}
}

/* Removes lock files a killed fetch may have left under dir (refs/...). */
static void remove_locks(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d || depth > 16) {
		if (d) {
			closedir(d);
		}
		return;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *path;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0
			|| !(path = bg_asprintf("%s/%s", dir, e->d_name))) {
			continue;
		}
		if (e->d_type == DT_DIR) {
			remove_locks(path, depth + 1);
		} else if (len > 5 && strcmp(e->d_name + len - 5, ".lock") == 0) {
			unlink(path);
		}
		free(path);
	}
	closedir(d);
}

/* Removes what a killed libgit2 leaves in the cache: *.lock files (HEAD,
 * config, packed-refs, refs/...), which would refuse the next fetch, and
 * the indexer's temporary pack (objects/pack/pack_git2_*). */
static void clean_cache(const bg_options *opt, int existed)
{
	char *cache = bg_git_cache_path(opt);
	char *refs = cache ? bg_asprintf("%s/refs", cache) : NULL;
	char *packs = cache ? bg_asprintf("%s/objects/pack", cache) : NULL;
	static const char *const top[] = { "HEAD.lock", "config.lock", "packed-refs.lock", "index.lock",
		"shallow.lock" };
	DIR *d;
	size_t i;

	if (!cache || !refs || !packs) {
		goto cleanup;
	}
	if (!existed) {
		bg_rm_rf(cache);  /* a cache the child was making: made again next time */
		goto cleanup;
	}
	for (i = 0; i < sizeof(top) / sizeof(top[0]); i++) {
		char *p = bg_asprintf("%s/%s", cache, top[i]);

		if (p) {
			unlink(p);
		}
		free(p);
	}
	remove_locks(refs, 0);
	if ((d = opendir(packs))) {
		struct dirent *e;

		while ((e = readdir(d))) {
			char *p;

			if (strncmp(e->d_name, "pack_git2_", 10) == 0 && (p = bg_asprintf("%s/%s", packs, e->d_name))) {
				unlink(p);
				free(p);
			}
		}
		closedir(d);
	}

cleanup:
	free(cache);
	free(refs);
	free(packs);
}

/* What a killed child leaves is undone: its release directory, the cache's
 * locks and temporary files. */
static void undo_child(const bg_options *opt, bg_git_result *res, int cache_existed)
{
	if (res->rel_path[0]) {
		bg_rm_rf(res->rel_path);
	}
	clean_cache(opt, cache_existed);
}

static int child_failed(const char *what, const char *remote, int status, bg_error *err)
{
	if (WIFSIGNALED(status)) {
		return bg_error_set(err, BG_ERR_GIT, "%s %s: the git process died of signal %d (%s)", what,
			remote, WTERMSIG(status), strsignal(WTERMSIG(status)));
	}
	return bg_error_set(err, BG_ERR_GIT, "%s %s: the git process ended without a result", what, remote);
}

static int cache_exists(const bg_options *opt)
{
	char *cache = bg_git_cache_path(opt);
	int exists = cache && bg_path_exists(cache);

	free(cache);
	return exists;
}

int bg_git_child_run(const bg_options *opt, const bg_logger *log, const char *what,
	const char *remote, bg_git_child_fn fn, void *arg, bg_git_result **out, bg_error *err)
{
	bg_git_result *res;
	double deadline = bg_now_ms() + local_bound_s(opt) * 1000;
	int cache_existed = cache_exists(opt), pidfd, status = 0, sig = 0, net = 0;
	pid_t parent = getpid(), pid;
	wait_end end;

	*out = NULL;
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		return bg_error_sys(err, BG_ERR_GIT, "%s %s: cannot map memory for the git process", what, remote);
	}
	memset(res, 0, sizeof(*res));
	copy_str(res->phase, sizeof(res->phase), "setup");
	pid = fork();
	if (pid < 0) {
		munmap(res, sizeof(*res));
		return bg_error_sys(err, BG_ERR_GIT, "%s %s: cannot fork the git process", what, remote);
	}
	if (pid == 0) {
		child_main(parent, opt, fn, arg, res);
	}
	pidfd = bg_pidfd_open(pid);
	end = wait_child(pid, pidfd, res, opt->command_timeout * 1000, deadline, &status, &sig, &net);
	if (end != ENDED) {
		kill_child(pid, pidfd);
	}
	if (pidfd >= 0) {
		close(pidfd);
	}
	if (end == ENDED && child_done(res)) {
		replay(log, res);
		if (res->rc < 0) {
			*err = res->err;
			bg_git_result_free(res);
			return -1;
		}
		*out = res;
		return 0;
	}
	replay(log, res);
	undo_child(opt, res, cache_existed);
	if (end == TIMED_OUT && net) {
		bg_error_set(err, BG_ERR_GIT, "%s %s: timed out after %g s (command_timeout) during %s; "
			"stopped", what, remote, opt->command_timeout, res->phase);
		err->git_klass = GIT_ERROR_NET;   /* the remote's silence: retried, not held against the commit */
	} else if (end == TIMED_OUT) {
		bg_error_set(err, BG_ERR_GIT, "%s %s: not done within %g s (command_timeout, at least %g s "
			"for local work) during %s; stopped", what, remote, local_bound_s(opt), BG_GIT_LOCAL_MIN_S,
			res->phase);
	} else if (end == STOPPED) {
		bg_error_set(err, BG_ERR_GIT, "%s %s: interrupted by %s during %s", what, remote,
			bg_stop_name(sig), res->phase);
		err->stopped = sig;
	} else {
		child_failed(what, remote, status, err);
	}
	bg_git_result_free(res);
	return -1;
}

void bg_git_result_free(bg_git_result *res)
{
	if (res) {
		munmap(res, sizeof(*res));
	}
}
