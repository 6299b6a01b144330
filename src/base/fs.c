#include "base/fs.h"

#include "base/strv.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void bg_path_normalize(char *path)
{
	char *out = path, *in = path;

	if (*in != '/') {
		return;
	}
	while (*in) {
		char *seg;
		size_t len;

		while (*in == '/') {
			in++;
		}
		seg = in;
		while (*in && *in != '/') {
			in++;
		}
		len = (size_t) (in - seg);
		if (len == 0 || (len == 1 && seg[0] == '.')) {
			continue;
		}
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > path && *--out != '/') {
				/* back to the previous separator */
			}
			continue;
		}
		*out++ = '/';
		memmove(out, seg, len);
		out += len;
	}
	if (out == path) {
		*out++ = '/';
	}
	*out = '\0';
}

int bg_mkdir_p(const char *path, mode_t mode, bg_code code, bg_error *err)
{
	char *copy = strdup(path), *p;
	int rc = -1;

	if (!copy) {
		return bg_error_sys(err, code, "cannot create directory %s", path);
	}
	/* Each prefix in turn; EEXIST is fine as long as it is a directory,
	 * which the next mkdir (or the final stat) finds out. */
	for (p = copy + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(copy, mode) != 0 && errno != EEXIST) {
				bg_error_sys(err, code, "cannot create directory %s", copy);
				goto cleanup;
			}
			*p = saved;
			if (!saved) {
				break;
			}
		}
	}
	{
		struct stat st;

		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			bg_error_sys(err, code, "cannot create directory %s", path);
			goto cleanup;
		}
	}
	rc = 0;

cleanup:
	free(copy);
	return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void) st;
	(void) ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) == 0 || errno == ENOENT ? 0 : -1;
}

int bg_rm_rf(const char *path)
{
	if (!bg_path_exists(path)) {
		return 0;
	}
	/* FTW_DEPTH: a directory after its content; FTW_PHYS: links not followed. */
	return nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS);
}

int bg_path_has_symlink(const char *base, const char *rel)
{
	size_t blen = strlen(base);
	char *path = malloc(blen + strlen(rel) + 2), *p;
	struct stat st;
	int found = 0;

	if (!path) {
		return 1;  /* cannot tell: the careful answer */
	}
	sprintf(path, "%s/%s", base, rel);
	for (p = path + blen + 1; (p = strchr(p, '/')) != NULL && !found; p++) {
		*p = '\0';
		found = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
		*p = '/';
	}
	free(path);
	return found;
}

int bg_path_resolve_inside(const char *base, const char *rel, char **resolved)
{
	char *path = bg_asprintf("%s/%s", base, rel), *real_base = realpath(base, NULL);
	size_t n = real_base ? strlen(real_base) : 0;
	int inside = -1;

	*resolved = path && real_base ? realpath(path, NULL) : NULL;
	if (*resolved) {
		inside = strncmp(*resolved, real_base, n) == 0 && ((*resolved)[n] == '/' || (*resolved)[n] == '\0');
	}
	free(path);
	free(real_base);
	return inside;
}

int bg_path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int bg_read_file(const char *path, char **data, size_t *len, bg_code code, bg_error *err)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		return bg_error_sys(err, code, "cannot read %s", path);
	}
	if (fstat(fd, &st) < 0 || !(buf = malloc((size_t) st.st_size + 1))) {
		bg_error_sys(err, code, "cannot read %s", path);
		close(fd);
		return -1;
	}
	while (got < (size_t) st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t) st.st_size - got);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break; /* shrank while we read: keep what is there */
		}
		got += (size_t) n;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return -1;
		}
		data += n;
		len -= (size_t) n;
	}
	return 0;
}

/* The file a path names in the end: a symlink is followed (realpath), so the
 * link stays and its target gets the new bytes. */
static char *write_target(const char *path)
{
	char resolved[PATH_MAX];
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, resolved)) {
		return strdup(resolved);
	}
	return strdup(path);
}

static int fsync_dir_of(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd, rc;

	if (!dir) {
		return -1;
	}
	slash = strrchr(dir, '/');
	if (slash == dir) {
		slash[1] = '\0';
	} else if (slash) {
		*slash = '\0';
	} else {
		strcpy(dir, ".");
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0) {
		return -1;
	}
	rc = fsync(fd);
	close(fd);
	return rc;
}

int bg_write_file_atomic(const char *path, const char *data, size_t len, bg_code code, bg_error *err)
{
	char *target = write_target(path), *tmp = NULL;
	struct stat st;
	int fd = -1, rc = -1, have_st;

	if (!target || !(tmp = bg_asprintf("%s.bluegreen-%d.tmp", target, (int) getpid()))) {
		bg_error_set(err, code, "out of memory writing %s", path);
		goto cleanup;
	}
	have_st = stat(target, &st) == 0;
	unlink(tmp); /* a leftover of a process with our pid that was killed */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, have_st ? (st.st_mode & 07777) : 0644);
	if (fd < 0) {
		bg_error_sys(err, code, "cannot write %s (temporary file %s)", path, tmp);
		goto cleanup;
	}
	/* EPERM: an unprivileged releaser cannot give a file away; the new file
	 * is then its own, with the old mode. */
	if (have_st && (fchmod(fd, st.st_mode & 07777) < 0
			|| (fchown(fd, st.st_uid, st.st_gid) < 0 && errno != EPERM))) {
		bg_error_sys(err, code, "cannot give %s the mode and owner of %s", tmp, path);
		goto cleanup;
	}
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		bg_error_sys(err, code, "cannot write %s", tmp);
		goto cleanup;
	}
	close(fd);
	fd = -1;
	if (rename(tmp, target) < 0) {
		bg_error_sys(err, code, "cannot replace %s", target);
		goto cleanup;
	}
	fsync_dir_of(target);
	rc = 0;

cleanup:
	if (fd >= 0) {
		close(fd);
	}
	if (rc < 0 && tmp) {
		unlink(tmp);
	}
	free(tmp);
	free(target);
	return rc;
}

