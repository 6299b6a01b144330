#include "lock.h"
#include "fs.h"
#include "strv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static char *lock_path(const bg_options *opt, bg_error *err)
{
	char *dir = bg_asprintf("%s/.bluegreen", opt->releases_dir), *path = NULL;

	if (dir && bg_mkdir_p(dir, 0755, BG_ERR_LOCK, err) == 0) {
		path = bg_asprintf("%s/lock", dir);
	}
	free(dir);
	return path;
}

static int read_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0) {
		return 0;
	}
	buf[n] = '\0';
	return atoi(buf);
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
		bg_error_sys(err, BG_ERR_LOCK, "cannot open the lock %s", path);
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int holder = read_pid(fd);

		if (errno == EWOULDBLOCK) {
			bg_error_set(err, BG_ERR_LOCK, "another deploy is running: %s is held by pid %d", path, holder);
		} else {
			bg_error_sys(err, BG_ERR_LOCK, "cannot lock %s", path);
		}
		close(fd);
		free(path);
		return -1;
	}
	len = snprintf(pid, sizeof(pid), "%d\n", (int) getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t) len, 0) != len) {
		/* The lock holds all the same; only the holder's name is missing. */
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
	char *path = bg_asprintf("%s/.bluegreen/lock", opt->releases_dir);
	int fd, pid = 0;

	if (!path) {
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0) {
		return 0;
	}
	if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		pid = read_pid(fd);
	}
	close(fd);
	return pid;
}
