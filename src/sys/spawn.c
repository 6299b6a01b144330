#include "sys/spawn.h"
#include "base/clock.h"
#include "sys/proc.h"
#include "base/strv.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* How long a child stopped for a timeout gets between SIGTERM and SIGKILL. */
#define BG_KILL_GRACE_MS 3000

/* What a command left running gets between SIGTERM and SIGKILL; how many
 * scans for it at most, and their spacing. */
#define BG_LEFT_GRACE_MS 1000
#define BG_LEFT_ROUNDS 10
#define BG_LEFT_RESCAN_MS 15

char *bg_which(const char *cmd)
{
	const char *path, *p;
	struct stat st;

	if (strchr(cmd, '/')) {
		if (access(cmd, X_OK) == 0) {
			return strdup(cmd);
		}
		return NULL;
	}
	path = getenv("PATH");
	if (!path || !*path) {
		path = "/usr/local/bin:/usr/bin:/bin";
	}
	for (p = path; ; ) {
		const char *end = strchrnul(p, ':');
		int len = (int) (end - p);
		char *candidate = len ? bg_asprintf("%.*s/%s", len, p, cmd) : bg_asprintf("./%s", cmd);

		if (candidate && access(candidate, X_OK) == 0 && stat(candidate, &st) == 0 && S_ISREG(st.st_mode)) {
			return candidate;
		}
		free(candidate);
		if (!*end) {
			break;
		}
		p = end + 1;
	}
	errno = ENOENT;
	return NULL;
}

static int env_key_in(const char *entry, char *const *list)
{
	size_t klen = strcspn(entry, "=");
	size_t i;

	for (i = 0; list && list[i]; i++) {
		if (strncmp(list[i], entry, klen) == 0 && list[i][klen] == '=') {
			return 1;
		}
	}
	return 0;
}

/* Our environment with `add` on top: an array of borrowed pointers. */
static char **env_with(char *const *add)
{
	size_t n = bg_strv_len(environ) + bg_strv_len(add) + 1, i, k = 0;
	char **env = calloc(n, sizeof(char *));

	if (!env) {
		return NULL;
	}
	for (i = 0; environ && environ[i]; i++) {
		if (!env_key_in(environ[i], add)) {
			env[k++] = environ[i];
		}
	}
	for (i = 0; add && add[i]; i++) {
		env[k++] = add[i];
	}
	env[k] = NULL;
	return env;
}

/* Valgrind before 3.20 does not know pidfd_open and reports every call as a
 * bug of its own, which the test suite's valgrind run counts as a failure;
 * its preloaded library names it. Polling is then the way to wait. */
static int under_valgrind(void)
{
	const char *preload = getenv("LD_PRELOAD");

	return preload && strstr(preload, "/vgpreload_");
}

static int pidfd_of(pid_t pid)
{
#ifdef SYS_pidfd_open
	int fd = under_valgrind() ? -1 : (int) syscall(SYS_pidfd_open, pid, 0);

	if (fd >= 0) {
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	return fd;
#else
	(void) pid;
	return -1;
#endif
}

int bg_pidfd_open(pid_t pid)
{
	return pidfd_of(pid);
}

/* glibc's sigfillset() leaves out the two real-time signals glibc uses itself
 * (32 and 33); posix_spawn then sets them to SIG_IGN in the child, and exec
 * keeps SIG_IGN. Setting their bits by hand makes posix_spawn reset them to
 * SIG_DFL like every other signal. */
static void sigset_add_raw(sigset_t *set, int sig)
{
	unsigned long *words = (unsigned long *) set;
	size_t bits = 8 * sizeof(unsigned long);

	words[(sig - 1) / bits] |= 1UL << ((sig - 1) % bits);
}

/* posix_spawn does the whole child setup without running our code between
 * fork and exec: signal mask emptied, every signal at SIG_DFL (an ignored
 * SIGPIPE would otherwise be inherited), stdin /dev/null, stdout and stderr
 * to out_fd, then every descriptor from 3 up closed (close_range, with glibc's
 * own /proc/self/fd fallback). */
static int spawn_child(const char *path, const bg_spawn_opts *o, char **envp, int out_fd, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigfillset(&all);
	for (int sig = SIGRTMIN - 1; sig >= 32; sig--) {
		sigset_add_raw(&all, sig);
	}
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	if (o->detach) {
		flags |= POSIX_SPAWN_SETSID;
	} else {
		flags |= POSIX_SPAWN_SETPGROUP;
		posix_spawnattr_setpgroup(&attr, 0);
	}
	posix_spawnattr_setflags(&attr, flags);

	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
	if (o->cwd) {
		posix_spawn_file_actions_addchdir_np(&fa, o->cwd);
	}
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);

	rc = posix_spawn(pid, path, &fa, &attr, o->argv, envp);

	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

/* The descriptor the child writes to: out_fd, or /dev/null. Always >= 3, so
 * that dup2 onto 1 and 2 cannot clobber it. */
static int output_fd(int out_fd, int *owned)
{
	int fd;

	*owned = 0;
	if (out_fd >= 3) {
		return out_fd;
	}
	if (out_fd >= 0) {
		fd = fcntl(out_fd, F_DUPFD_CLOEXEC, 3);
	} else {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (null < 0) {
			return -1;
		}
		fd = null >= 3 ? null : fcntl(null, F_DUPFD_CLOEXEC, 3);
		if (fd != null) {
			close(null);
		}
	}
	*owned = fd >= 0;
	return fd;
}

int bg_spawn(const bg_spawn_opts *o, bg_child *child, bg_error *err)
{
	char *path = NULL, *cmd = bg_strv_join(o->argv);
	char **envp = NULL;
	int fd, owned = 0, rc = -1, e;

	child->pid = -1;
	child->pidfd = -1;
	if (!(path = bg_which(o->argv[0]))) {
		bg_error_set(err, o->err_code, "cannot run `%s`: %s: %s", cmd, o->argv[0],
			strchr(o->argv[0], '/') ? strerror(errno) : "command not found in PATH");
		goto cleanup;
	}
	if (!(envp = env_with(o->env)) || (fd = output_fd(o->out_fd, &owned)) < 0) {
		bg_error_sys(err, o->err_code, "cannot run `%s`", cmd);
		goto cleanup;
	}
	e = spawn_child(path, o, envp, fd, &child->pid);
	if (owned) {
		close(fd);
	}
	if (e != 0) {
		errno = e;
		bg_error_sys(err, o->err_code, "cannot run `%s`%s%s", cmd, o->cwd ? " in " : "", o->cwd ? o->cwd : "");
		child->pid = -1;
		goto cleanup;
	}
	/* Taken at once: nothing can have reaped the child yet, so the pidfd is
	 * surely this child's, whatever happens to its pid later. */
	child->pidfd = pidfd_of(child->pid);
	rc = 0;

cleanup:
	free(path);
	free(cmd);
	free(envp);
	return rc;
}

void bg_exit_from_status(int status, bg_exit *ex)
{
	if (WIFEXITED(status)) {
		ex->kind = BG_EXIT_CODE;
		ex->code = WEXITSTATUS(status);
	} else {
		ex->kind = BG_EXIT_SIGNAL;
		ex->code = WTERMSIG(status);
	}
}

int bg_release_env_init(bg_release_env *e, int port, const char *commit, const char *release,
	const char *socket)
{
	size_t n = 0;
	int bad = 0;

	memset(e, 0, sizeof(*e));
	if (port > 0) {
		bad |= !(e->env[n++] = bg_asprintf(BG_ENV_PORT "=%d", port));
	}
	if (commit) {
		bad |= !(e->env[n++] = bg_asprintf(BG_ENV_COMMIT "=%s", commit));
	}
	if (release) {
		bad |= !(e->env[n++] = bg_asprintf(BG_ENV_RELEASE "=%s", release));
	}
	if (socket) {
		bad |= !(e->env[n++] = bg_asprintf(BG_ENV_SOCKET "=%s", socket));
	}
	if (bad) {
		bg_release_env_free(e);
		return -1;
	}
	return 0;
}

void bg_release_env_free(bg_release_env *e)
{
	size_t i;

	for (i = 0; i < sizeof(e->env) / sizeof(e->env[0]); i++) {
		free(e->env[i]);
		e->env[i] = NULL;
	}
}

void bg_child_pause(const bg_child *c, double ms)
{
	if (c->pidfd >= 0) {
		struct pollfd p = { c->pidfd, POLLIN, 0 };

		poll(&p, 1, (int) (ms + 0.999));
		return;
	}
	bg_sleep_ms(ms);
}

void bg_child_wait(bg_child *c, double timeout_ms, bg_exit *ex)
{
	double deadline = bg_now_ms() + timeout_ms, backoff = 1;

	for (;;) {
		int status;
		pid_t r = waitpid(c->pid, &status, WNOHANG);
		double left;

		if (r == c->pid) {
			bg_exit_from_status(status, ex);
			return;
		}
		if (r < 0 && errno == ECHILD) {
			/* Someone else reaped it: SIGCHLD ignored, or Swoole's waitpid(-1). */
			ex->kind = BG_EXIT_UNKNOWN;
			ex->code = 0;
			return;
		}
		left = deadline - bg_now_ms();
		if (left <= 0) {
			ex->kind = BG_EXIT_TIMEOUT;
			ex->code = 0;
			return;
		}
		/* Without a pidfd, poll waitpid with a growing pause. */
		bg_child_pause(c, c->pidfd >= 0 ? left : (left < backoff ? left : backoff));
		if (backoff < 50) {
			backoff *= 2;
		}
	}
}

void bg_child_wait_stoppable(bg_child *c, double timeout_ms, bg_exit *ex)
{
	double deadline = bg_now_ms() + timeout_ms;

	for (;;) {
		double left = deadline - bg_now_ms();

		bg_child_wait(c, left < 50 ? left : 50, ex);
		if (ex->kind != BG_EXIT_TIMEOUT || left <= 50) {
			return;
		}
		if ((ex->code = bg_stop_requested())) {
			ex->kind = BG_EXIT_STOPPED;
			return;
		}
	}
}

void bg_child_kill_group(bg_child *c, double grace_ms, bg_exit *ex)
{
	bg_exit leader;

	kill(-c->pid, SIGTERM);
	bg_child_wait(c, grace_ms, &leader);
	/* Whatever the leader did, nothing it started may outlive the timeout. */
	kill(-c->pid, SIGKILL);
	if (leader.kind == BG_EXIT_TIMEOUT) {
		bg_child_wait(c, 5000, &leader);
	}
	*ex = leader;
}

void bg_child_release(bg_child *c)
{
	if (c->pidfd >= 0) {
		close(c->pidfd);
	}
	c->pidfd = -1;
	c->pid = -1;
}

int bg_exit_ok(const bg_exit *ex)
{
	return ex->kind == BG_EXIT_CODE && ex->code == 0;
}

void bg_exit_describe(const bg_exit *ex, char *buf, unsigned long size)
{
	switch (ex->kind) {
	case BG_EXIT_CODE:
		snprintf(buf, size, "exit status %d", ex->code);
		break;
	case BG_EXIT_SIGNAL:
		snprintf(buf, size, "killed by signal %d (%s)", ex->code, strsignal(ex->code));
		break;
	case BG_EXIT_UNKNOWN:
		snprintf(buf, size, "exit status unknown: the child was reaped by another part of "
			"this process (SIGCHLD ignored, or a handler such as Swoole's waitpid(-1))");
		break;
	case BG_EXIT_TIMEOUT:
		snprintf(buf, size, "timed out");
		break;
	case BG_EXIT_STOPPED:
		snprintf(buf, size, "interrupted by %s; its process group was killed", bg_stop_name(ex->code));
		break;
	}
}

void bg_read_tail(int fd, long from, int max_lines, char *buf, unsigned long size)
{
	off_t end = lseek(fd, 0, SEEK_END);
	off_t start = end - (off_t) (size - 1);
	ssize_t got;
	char *p;
	int lines = 0;

	buf[0] = '\0';
	if (end <= from) {
		return;
	}
	if (start < from) {
		start = from;
	}
	got = pread(fd, buf, (size_t) (end - start), start);
	if (got <= 0) {
		buf[0] = '\0';
		return;
	}
	/* Plain text from here: no colour codes or control bytes in messages. */
	got = (ssize_t) bg_strip_terminal(buf, (size_t) got);
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r' || buf[got - 1] == ' ')) {
		got--;
	}
	buf[got] = '\0';
	for (p = buf + got; p > buf; p--) {
		if (p[-1] == '\n' && ++lines == max_lines) {
			break;
		}
	}
	memmove(buf, p, strlen(p) + 1);
	if (p == buf && start > from) {
		/* The window starts inside a line, maybe inside a URL's credentials
		 * ("er:pass@host/x"), which no masking would know: that word goes. */
		bg_cut_first_word(buf);
	}
}

/* Where bg_run writes: output_path appended to, or an anonymous file. */
static int open_output(const char *output_path, bg_code code, bg_error *err)
{
	int fd;

	if (output_path) {
		fd = open(output_path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0) {
			bg_error_sys(err, code, "cannot open the output file %s", output_path);
		}
		return fd;
	}
	fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		char tmpl[] = "/tmp/bluegreen-output.XXXXXX";

		fd = mkostemp(tmpl, O_CLOEXEC);
		if (fd >= 0) {
			unlink(tmpl);
		}
	}
	if (fd < 0) {
		bg_error_sys(err, code, "cannot create a temporary output file in /tmp");
	}
	return fd;
}

void bg_output_header(int fd, const bg_spawn_opts *o)
{
	char stamp[32], *cmd = bg_strv_join(o->argv), *line;
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (o->cwd) {
		line = bg_asprintf("==> %s $ %s   (in %s)\n", stamp, cmd ? cmd : o->argv[0], o->cwd);
	} else {
		line = bg_asprintf("==> %s $ %s\n", stamp, cmd ? cmd : o->argv[0]);
	}
	if (line && write(fd, line, strlen(line)) < 0) {
		/* the header is a courtesy; the command's own output matters */
	}
	free(line);
	free(cmd);
}

/* A marker no other command carries: "BLUEGREEN_RUN_ID=<our pid>-<n>-<ns>" (not
 * BLUEGREEN_STEP, which hooks are given as the step they run at). */
static void step_marker(char *buf, size_t size)
{
	static unsigned long n;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(buf, size, "BLUEGREEN_RUN_ID=%d-%lu-%lld%09ld", (int) getpid(), ++n, (long long) ts.tv_sec, ts.tv_nsec);
}

/* add with one more entry: borrowed pointers. */
static char **env_plus(char *const *add, char *entry)
{
	size_t n = bg_strv_len(add), i;
	char **env = calloc(n + 2, sizeof(char *));

	for (i = 0; env && i < n; i++) {
		env[i] = add[i];
	}
	if (env) {
		env[n] = entry;
	}
	return env;
}

/* Stops what the command left running: its process group (pgrp, the
 * leader's pid) and whoever carries its marker, among processes started
 * since it was. A process caught between fork and exec, or in the middle of
 * a setsid, can be missed by one scan, so scanning goes on until two in a
 * row, a moment apart, find nothing. */
static void stop_left(pid_t pgrp, unsigned long long since, const char *marker, bg_run_result *res)
{
	int round, empty = 0;

	for (round = 0; round < BG_LEFT_ROUNDS && empty < 2; round++) {
		bg_pid_list found = { NULL, 0 };
		bg_error ignored;
		size_t i, len;

		if (bg_proc_stragglers(pgrp, since, marker, &found, &ignored) < 0 || found.n == 0) {
			bg_pid_list_free(&found);
			if (++empty < 2) {
				bg_sleep_ms(BG_LEFT_RESCAN_MS);
			}
			continue;
		}
		empty = 0;
		for (i = 0; i < found.n; i++) {
			char who[256], item[sizeof(who) + 2];

			bg_proc_describe(found.pids[i], who, sizeof(who));
			len = strlen(res->left);
			snprintf(item, sizeof(item), "%s%s", len ? ", " : "", who);
			bg_copy_words(res->left + len, sizeof(res->left) - len, item);
		}
		res->n_left += (int) found.n;
		bg_proc_terminate(&found, BG_LEFT_GRACE_MS);
		bg_pid_list_free(&found);
	}
}

void bg_run_log_left(const bg_logger *log, const char *what, const bg_run_result *res)
{
	if (res->n_left > 0) {
		bg_log(log, BG_LOG_WARNING, "%s left %d process(es) running after it exited; nothing a command "
			"starts may outlive it, so they were stopped (SIGTERM, then SIGKILL): %s", what, res->n_left, res->left);
	}
}

static int run_to_end(const bg_spawn_opts *opts, double timeout_ms, const char *output_path,
	bg_run_result *res, bg_error *err, int stoppable)
{
	bg_spawn_opts o = *opts;
	bg_child child;
	char marker[80], **env;
	unsigned long long since = bg_proc_ticks_now();
	double t0;
	long from;
	int fd;

	memset(res, 0, sizeof(*res));
	step_marker(marker, sizeof(marker));
	if (!(env = env_plus(opts->env, marker))) {
		return bg_error_sys(err, opts->err_code, "cannot run `%s`", opts->argv[0]);
	}
	if ((fd = open_output(output_path, opts->err_code, err)) < 0) {
		free(env);
		return -1;
	}
	bg_output_header(fd, opts);
	from = (long) lseek(fd, 0, SEEK_END);
	o.out_fd = fd;
	o.env = env;
	t0 = bg_now_ms();
	if (bg_spawn(&o, &child, err) < 0) {
		close(fd);
		free(env);
		return -1;
	}
	if (stoppable) {
		bg_child_wait_stoppable(&child, timeout_ms, &res->exit);
	} else {
		bg_child_wait(&child, timeout_ms, &res->exit);
	}
	if (res->exit.kind == BG_EXIT_TIMEOUT || res->exit.kind == BG_EXIT_STOPPED) {
		bg_exit ignored;

		bg_child_kill_group(&child, BG_KILL_GRACE_MS, &ignored);
	}
	if (!opts->detach) {
		stop_left(child.pid, since > 0 ? since - 1 : 0, marker, res);
	}
	bg_child_release(&child);
	res->duration_ms = bg_now_ms() - t0;
	bg_read_tail(fd, from, 15, res->tail, sizeof(res->tail));
	close(fd);
	free(env);
	return 0;
}

int bg_run(const bg_spawn_opts *opts, double timeout_ms, const char *output_path,
	bg_run_result *res, bg_error *err)
{
	return run_to_end(opts, timeout_ms, output_path, res, err, 0);
}

int bg_run_stoppable(const bg_spawn_opts *opts, double timeout_ms, const char *output_path,
	bg_run_result *res, bg_error *err)
{
	return run_to_end(opts, timeout_ms, output_path, res, err, 1);
}
