#include "fs.h"

#include <errno.h>
#include <ftw.h>
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

int bg_path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}
