#include "layout/lock.h"
#include "layout/layout.h"
#include "base/clock.h"
#include "base/fs.h"
#include "sys/proc.h"
#include "base/strv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* A lock found held whose holder cannot be named was most likely released
 * between our flock and the look-up: it is tried again this many times. */
#define BG_LOCK_TRIES 5

/* The lock that cannot be made or opened is not "another deploy": it is a
 * system error (BlueGreen\Exception, CLI exit 1) naming the path and errno. */
static int lock_sys_error(bg_error *err, const char *what, const char *path)
{
	int e = errno;

	bg_error_set(err, BG_ERR_SYSTEM, "%s the deploy lock %s: %s (errno %d)", what, path, strerror(e), e);
	err->sys_errno = e;
	return -1;
}

static char *lock_path(const bg_options *opt, bg_error *err)
{
	char *dir = bg_layout_own_dir(opt), *path = NULL;

	if (dir && bg_mkdir_p(dir, 0755, BG_ERR_SYSTEM, err) == 0) {
		path = bg_layout_lock_path(opt);
	} else if (dir) {
		errno = err->sys_errno;
		lock_sys_error(err, "cannot make the directory of", dir);
	}
	free(dir);
	return path;
}

/* The pid the holder wrote into the file (0 when none is there yet, or the
 * file was emptied at release). */
static pid_t read_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0) {
		return 0;
	}
	buf[n] = '\0';
	return (pid_t) atoi(buf);
}

static int alive(pid_t pid)
{
	return pid > 0 && bg_proc_state_of(pid) == BG_PROC_ALIVE;
}

/* Who holds the lock fd is open on: the pid the kernel's lock table names (its
 * own record, there as soon as the lock is taken), else the pid the holder
 * wrote into the file; 0 when neither names a live process. */
static pid_t holder_of(int fd)
{
	struct stat st;
	pid_t pid = fstat(fd, &st) == 0 ? bg_proc_flock_holder(st.st_dev, st.st_ino) : -1;

	if (alive(pid)) {
		return pid;
	}
	pid = read_pid(fd);
	return alive(pid) ? pid : 0;
}

/* Takes the lock on fd; BG_ERR_LOCK naming the live holder, or saying it
 * could not be named when it stays held without a nameable holder. */
static int take(int fd, const char *path, bg_error *err)
{
	pid_t holder;
	int tries;

	for (tries = 1;; tries++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			return 0;
		}
		if (errno != EWOULDBLOCK) {
			return lock_sys_error(err, "cannot flock", path);
		}
		if ((holder = holder_of(fd)) > 0) {
			return bg_error_set(err, BG_ERR_LOCK, "another deploy is running: %s is held by pid %d", path,
				(int) holder);
		}
		if (tries == BG_LOCK_TRIES) {
			return bg_error_set(err, BG_ERR_LOCK, "another deploy is running: %s is held, but its holder "
				"could not be read (neither " BG_PROC_LOCKS " nor the pid in the file names a live process)", path);
		}
		bg_sleep_ms(1);
	}
}

int bg_lock_take(const bg_options *opt, bg_lock *lock, bg_error *err)
{
	char *path = lock_path(opt, err), pid[32];
	int fd, len;

	if (!path) {
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		lock_sys_error(err, "cannot open", path);
		free(path);
		return -1;
	}
	if (take(fd, path, err) < 0) {
		close(fd);
		free(path);
		return -1;
	}
	len = snprintf(pid, sizeof(pid), "%d\n", (int) getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t) len, 0) != len) {
		/* The lock holds all the same; the kernel's lock table names its holder. */
	}
	free(path);
	lock->fd = fd;
	return 0;
}

void bg_lock_release(bg_lock *lock)
{
	if (lock->fd >= 0) {
		/* Emptied first: a pid in an unheld lock would name nobody. */
		if (ftruncate(lock->fd, 0) < 0) {
			/* harmless: bg_lock_holder checks that the lock is held */
		}
		close(lock->fd);
		lock->fd = -1;
	}
}

int bg_lock_holder(const bg_options *opt)
{
	char *path = bg_layout_lock_path(opt);
	struct stat st;
	pid_t pid = -1;
	int fd;

	if (!path) {
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0) {
		return 0;
	}
	/* The kernel's lock table answers without taking the lock, which a deploy starting
	 * now would find held; the shared lock is the way when it cannot. */
	if (fstat(fd, &st) == 0) {
		pid = bg_proc_flock_holder(st.st_dev, st.st_ino);
	}
	if (pid < 0) {
		pid = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK ? read_pid(fd) : 0;
	}
	close(fd);
	return alive(pid) ? (int) pid : 0;
}
