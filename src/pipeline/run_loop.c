/* run(): the seed's `while (true)` loop for a standalone process (the seed
 * itself advises running the job outside the service): a tick, then a wait
 * that SIGTERM or SIGINT ends at once, and that a push ends early.
 *
 * A push goes live without waiting for the poll: the wait also ends on
 * SIGUSR1 (for an operator: `systemctl kill -s USR1 bluegreen`) and when the
 * wake file is rewritten (wake(): what a webhook calls). The file is the way
 * for a webhook, because the service answering it usually cannot signal
 * this process: it does not know its pid, may run as another user, and a
 * SIGUSR1 sent to a Swoole master or manager reloads every worker (or, to a
 * process that set no handler, kills it). The file is watched with inotify;
 * wake() writes a new file and renames it into place. */
#include "pipeline/releaser.h"
#include "base/clock.h"
#include "base/fs.h"
#include "layout/layout.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How a wait ended. */
typedef enum {
	WAIT_INTERVAL,      /* the interval passed */
	WAIT_STOP,          /* SIGTERM or SIGINT */
	WAIT_SIGNAL_WAKE,   /* SIGUSR1 */
	WAIT_FILE_WAKE      /* the wake file was rewritten */
} wait_end;

typedef struct {
	int sigfd;          /* SIGTERM, SIGINT, SIGUSR1 (blocked) */
	int ino;            /* inotify on releases_dir's own directory; -1: none */
	int stop_sig;       /* the signal that ended the loop */
} waiter;

/* Whether the events queued on the inotify descriptor name the wake file;
 * reads them all, so that several wakes make one tick. */
static int wake_file_event(int ino)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int found = 0;
	ssize_t len;

	while ((len = read(ino, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len; ) {
			const struct inotify_event *ev = (const struct inotify_event *) p;

			if (ev->len && strcmp(ev->name, BG_LAYOUT_WAKE_FILE) == 0) {
				found = 1;
			}
			p += sizeof(*ev) + ev->len;
		}
	}
	return found;
}

/* Waits up to `seconds`; how it ended. */
static wait_end wait_tick(waiter *w, int seconds)
{
	double deadline = bg_now_ms() + seconds * 1000.0;
	struct pollfd fds[2] = { { w->sigfd, POLLIN, 0 }, { w->ino, POLLIN, 0 } };

	for (;;) {
		double left = deadline - bg_now_ms();
		struct signalfd_siginfo si;
		int n;

		if (left <= 0) {
			return WAIT_INTERVAL;
		}
		n = poll(fds, w->ino >= 0 ? 2 : 1, left > INT_MAX ? INT_MAX : (int) left + 1);
		if (n < 0 && errno != EINTR) {
			/* Not expected; sleeping on keeps the loop's pace. */
			bg_sleep_unless_stopped(left);
			return bg_stop_requested() ? WAIT_STOP : WAIT_INTERVAL;
		}
		if (n > 0 && (fds[0].revents & POLLIN) && read(w->sigfd, &si, sizeof(si)) == (ssize_t) sizeof(si)) {
			if (si.ssi_signo == SIGUSR1) {
				return WAIT_SIGNAL_WAKE;
			}
			w->stop_sig = (int) si.ssi_signo;
			return WAIT_STOP;
		}
		if (n > 0 && w->ino >= 0 && (fds[1].revents & POLLIN) && wake_file_event(w->ino)) {
			return WAIT_FILE_WAKE;
		}
	}
}

/* The inotify watch on the wake file's directory (made if missing); -1
 * when it cannot be had: SIGUSR1 and the interval still work. */
static int watch_wake_dir(bg_releaser *r)
{
	char *dir = bg_layout_own_dir(&r->opt);
	int ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	bg_error e;

	if (!dir || ino < 0 || bg_mkdir_p(dir, 0755, BG_ERR_SYSTEM, &e) < 0
		|| inotify_add_watch(ino, dir, IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB) < 0) {
		bg_log(&r->log, BG_LOG_WARNING, "run: cannot watch %s for wake() (%s): a push waits for the "
			"next poll, or SIGUSR1", dir ? dir : "releases_dir", strerror(errno));
		if (ino >= 0) {
			close(ino);
		}
		ino = -1;
	}
	free(dir);
	return ino;
}

int bg_releaser_run(bg_releaser *r, int interval, bg_error *err)
{
	sigset_t mask, old;
	waiter w = { -1, -1, 0 };
	wait_end end = WAIT_INTERVAL;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &mask, &old) < 0) {
		return bg_error_sys(err, BG_ERR_SYSTEM, "run: cannot block SIGTERM, SIGINT and SIGUSR1");
	}
	if ((w.sigfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
		bg_error_sys(err, BG_ERR_SYSTEM, "run: cannot wait for SIGTERM, SIGINT and SIGUSR1 (signalfd)");
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	w.ino = watch_wake_dir(r);
	/* (wake() and SIGUSR1 are said when they come: this line is the one
	 * operators and tests know.) */
	bg_log(&r->log, BG_LOG_INFO, "run: checking %s of %s every %d s until SIGTERM or SIGINT",
		r->opt.branch, r->opt.remote, interval);
	while (end != WAIT_STOP) {
		bg_release rel;
		int deployed = 0;

		bg_releaser_tick(r, &rel, &deployed);
		bg_release_free(&rel);
		if (r->handed_off.done) {
			bg_log(&r->log, BG_LOG_INFO, "run: handed over to the next generation; stopping");
			break;
		}
		end = wait_tick(&w, interval);
		if (end == WAIT_SIGNAL_WAKE || end == WAIT_FILE_WAKE) {
			bg_log(&r->log, BG_LOG_INFO, "run: woken by %s; checking now",
				end == WAIT_SIGNAL_WAKE ? "SIGUSR1" : "wake()");
		}
	}
	if (end == WAIT_STOP) {
		bg_log(&r->log, BG_LOG_INFO, "run: %s received; stopping", w.stop_sig == SIGINT ? "SIGINT" : "SIGTERM");
	}
	if (w.ino >= 0) {
		close(w.ino);
	}
	close(w.sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

int bg_releaser_wake(bg_releaser *r, bg_error *err)
{
	char *dir = bg_layout_own_dir(&r->opt), *path = bg_layout_wake_path(&r->opt), line[sizeof(r->wake_seen)];
	struct timespec now;
	int rc = -1, n;

	if (!dir || !path) {
		bg_error_set(err, BG_ERR_SYSTEM, "wake: out of memory");
		goto cleanup;
	}
	/* A new file renamed into place: one inotify event, and a line no
	 * other wake() writes (pid and nanoseconds), which woken() tells apart. */
	clock_gettime(CLOCK_REALTIME, &now);
	n = snprintf(line, sizeof(line), "%ld %lld.%09ld\n", (long) getpid(), (long long) now.tv_sec, now.tv_nsec);
	if (bg_mkdir_p(dir, 0755, BG_ERR_SYSTEM, err) == 0
		&& bg_write_file_atomic(path, line, (size_t) n, BG_ERR_SYSTEM, err) == 0) {
		rc = 0;
	} else {
		bg_error_prefix(err, "wake");
	}

cleanup:
	free(dir);
	free(path);
	return rc;
}

/* The wake file's line into buf ("" when there is none). */
static void read_wake_line(bg_releaser *r, char *buf, size_t size)
{
	char *path = bg_layout_wake_path(&r->opt);
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0) {
		close(fd);
	}
	free(path);
}

/* What wake() last wrote, kept when a tick begins. Not its mtime against
 * the clock: the kernel stamps files with a coarse clock, up to a jiffy
 * behind, and a wake() a few ms after a quick tick began looked older than
 * it (missed 1 to 54 times of 100), while one just before it looked newer. */
void bg_releaser_tick_begins(bg_releaser *r)
{
	read_wake_line(r, r->wake_seen, sizeof(r->wake_seen));
}

int bg_releaser_woken(bg_releaser *r)
{
	char now[sizeof(r->wake_seen)];

	read_wake_line(r, now, sizeof(now));
	return now[0] != '\0' && strcmp(now, r->wake_seen) != 0;
}
