#include "layout/layout.h"
#include "base/fs.h"
#include "base/strv.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *bg_layout_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

char *bg_layout_output_log(const bg_options *opt, const char *release_path, bg_code code, bg_error *err)
{
	char *dir = bg_asprintf("%s/.bluegreen/logs", opt->releases_dir);
	char *path = NULL;

	if (!dir) {
		bg_error_set(err, code, "out of memory");
		return NULL;
	}
	if (bg_mkdir_p(dir, 0755, code, err) == 0) {
		path = bg_asprintf("%s/%s.log", dir, bg_layout_basename(release_path));
	}
	free(dir);
	return path;
}

int bg_layout_is_release(const char *name)
{
	return strncmp(name, "release-", 8) == 0;
}

/* A release directory and when it was made. */
typedef struct {
	char *path;
	char stamp[16];          /* the name's yyyymmddTHHMMSS */
	struct statx_timestamp born;
} release_entry;

/* Names give the second; two releases of one second are ordered by the
 * directory's birth time (its mtime where the file system has none). */
static int older_first(const void *a, const void *b)
{
	const release_entry *x = a, *y = b;
	int c = strcmp(x->stamp, y->stamp);

	if (c) {
		return c;
	}
	if (x->born.tv_sec != y->born.tv_sec) {
		return x->born.tv_sec < y->born.tv_sec ? -1 : 1;
	}
	if (x->born.tv_nsec != y->born.tv_nsec) {
		return x->born.tv_nsec < y->born.tv_nsec ? -1 : 1;
	}
	return strcmp(x->path, y->path);
}

static void birth_time(const char *path, struct statx_timestamp *born)
{
	struct statx st;

	memset(born, 0, sizeof(*born));
	if (statx(AT_FDCWD, path, 0, STATX_BTIME | STATX_MTIME, &st) == 0) {
		*born = (st.stx_mask & STATX_BTIME) ? st.stx_btime : st.stx_mtime;
	}
}

/* The release-* directories, unordered. */
static int read_releases(const bg_options *opt, release_entry **out, size_t *n)
{
	DIR *d = opendir(opt->releases_dir);
	struct dirent *e;
	release_entry *list = NULL, *grown;

	*n = 0;
	if (!d) {
		return -1;
	}
	while ((e = readdir(d))) {
		if (!bg_layout_is_release(e->d_name) || !(grown = realloc(list, (*n + 1) * sizeof(*list)))) {
			continue;
		}
		list = grown;
		list[*n].path = bg_asprintf("%s/%s", opt->releases_dir, e->d_name);
		snprintf(list[*n].stamp, sizeof(list[*n].stamp), "%.15s", e->d_name + 8);
		if (list[*n].path) {
			birth_time(list[*n].path, &list[*n].born);
			(*n)++;
		}
	}
	closedir(d);
	*out = list;
	return 0;
}

int bg_layout_releases(const bg_options *opt, char ***paths)
{
	release_entry *list = NULL;
	size_t n, i;
	int rc = 0;

	*paths = NULL;
	if (read_releases(opt, &list, &n) < 0) {
		return -1;
	}
	qsort(list, n, sizeof(*list), older_first);
	for (i = 0; i < n; i++) {
		if (bg_strv_push(paths, list[i].path) < 0) {
			rc = -1;
		}
		free(list[i].path);
	}
	free(list);
	return rc;
}
