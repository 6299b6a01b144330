#include "layout/layout.h"
#include "base/fs.h"
#include "base/strv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

const char *bg_layout_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

char *bg_layout_own_dir(const bg_options *opt)
{
	return bg_asprintf("%s/" BG_LAYOUT_OWN_DIR, opt->releases_dir);
}

char *bg_layout_state_path(const bg_options *opt)
{
	return bg_asprintf("%s/" BG_LAYOUT_STATE_FILE, opt->releases_dir);
}

char *bg_layout_lock_path(const bg_options *opt)
{
	return bg_asprintf("%s/" BG_LAYOUT_OWN_DIR "/lock", opt->releases_dir);
}

char *bg_layout_wake_path(const bg_options *opt)
{
	return bg_asprintf("%s/" BG_LAYOUT_OWN_DIR "/" BG_LAYOUT_WAKE_FILE, opt->releases_dir);
}

char *bg_layout_cache_path(const bg_options *opt)
{
	return bg_asprintf("%s/" BG_LAYOUT_OWN_DIR "/cache.git", opt->releases_dir);
}

char *bg_layout_history_path(const bg_options *opt)
{
	return bg_asprintf("%s/" BG_LAYOUT_HISTORY_FILE, opt->releases_dir);
}

char *bg_layout_history_old_path(const bg_options *opt)
{
	return bg_asprintf("%s/" BG_LAYOUT_HISTORY_FILE ".1", opt->releases_dir);
}

char *bg_layout_counters_path(const bg_options *opt)
{
	return bg_asprintf("%s/" BG_LAYOUT_OWN_DIR "/metrics.json", opt->releases_dir);
}

char *bg_layout_submodule_cache_path(const bg_options *opt, const char *name, unsigned long long hash)
{
	return bg_asprintf("%s/" BG_LAYOUT_OWN_DIR "/submodules/%s-%016llx.git", opt->releases_dir, name, hash);
}

static char *logs_dir(const bg_options *opt)
{
	return bg_asprintf("%s/" BG_LAYOUT_OWN_DIR "/logs", opt->releases_dir);
}

char *bg_layout_log_path(const bg_options *opt, const char *release_path)
{
	return bg_asprintf("%s/" BG_LAYOUT_OWN_DIR "/logs/%s.log", opt->releases_dir,
		release_path ? bg_layout_basename(release_path) : BG_LAYOUT_HOOKS_LOG);
}

static char *sockets_dir(const bg_options *opt)
{
	return bg_asprintf("%s/" BG_LAYOUT_OWN_DIR "/run", opt->releases_dir);
}

/* sun_path holds 108 bytes, the terminating NUL included. */
#define BG_SUN_PATH_MAX (sizeof(((struct sockaddr_un *) 0)->sun_path) - 1)

static int fits_sun_path(const char *what, const char *path, bg_error *err)
{
	if (strlen(path) > BG_SUN_PATH_MAX) {
		return bg_error_set(err, BG_ERR_CONFIG, "Option \"switch\" => \"socket\": %s %s is %zu bytes long, over "
			"the %zu bytes a unix socket's path may have (sun_path): choose a shorter releases_dir%s",
			what, path, strlen(path), BG_SUN_PATH_MAX,
			strcmp(what, "live_socket") == 0 ? " or option \"live_socket\"" : "");
	}
	return 0;
}

int bg_layout_sockets(bg_options *opt, bg_error *err)
{
	int i;

	if (!opt->live_socket && !(opt->live_socket = bg_asprintf("%s/" BG_LAYOUT_OWN_DIR "/live.sock",
		opt->releases_dir))) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	if (fits_sun_path("live_socket", opt->live_socket, err) < 0) {
		return -1;
	}
	for (i = 0; i < 2; i++) {
		free(opt->sockets[i]);
		opt->sockets[i] = bg_asprintf("%s/" BG_LAYOUT_OWN_DIR "/run/%d.sock", opt->releases_dir, opt->ports[i]);
		if (!opt->sockets[i]) {
			return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
		}
		if (fits_sun_path("the socket", opt->sockets[i], err) < 0) {
			return -1;
		}
	}
	return 0;
}

int bg_layout_sockets_dir(const bg_options *opt, bg_error *err)
{
	char *dir = sockets_dir(opt);
	int rc;

	if (!dir) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	rc = bg_mkdir_p(dir, 0755, BG_ERR_START, err);
	free(dir);
	return rc;
}

char *bg_layout_shared_path(const bg_options *opt, const char *rel)
{
	return bg_asprintf("%s/" BG_LAYOUT_SHARED_DIR "/%s", opt->releases_dir, rel);
}

char *bg_layout_output_log(const bg_options *opt, const char *release_path, bg_code code, bg_error *err)
{
	char *dir = logs_dir(opt);
	char *path = NULL;

	if (!dir) {
		bg_error_set(err, code, "out of memory");
		return NULL;
	}
	if (bg_mkdir_p(dir, 0755, code, err) == 0) {
		path = bg_layout_log_path(opt, release_path);
	}
	free(dir);
	return path;
}

/* --- release names: release-<stamp>-<short sha>[-N] ------------------------ */

#define BG_PREFIX_LEN (sizeof(BG_LAYOUT_RELEASE_PREFIX) - 1)
#define BG_STAMP_LEN 15   /* yyyymmddTHHMMSS */

/* Releases of one commit made in the same second: more is a runaway loop. */
#define BG_SAME_SECOND_MAX 100

void bg_layout_stamp(long long t, char out[16])
{
	time_t when = (time_t) t;
	struct tm tm;

	gmtime_r(&when, &tm);
	strftime(out, BG_STAMP_LEN + 1, "%Y%m%dT%H%M%S", &tm);
}

static char *release_path(const char *releases_dir, const char *stamp, const char *commit, int n)
{
	return n == 1
		? bg_asprintf("%s/" BG_LAYOUT_RELEASE_PREFIX "%s-%.*s", releases_dir, stamp, BG_SHORT_SHA_LEN, commit)
		: bg_asprintf("%s/" BG_LAYOUT_RELEASE_PREFIX "%s-%.*s-%d", releases_dir, stamp, BG_SHORT_SHA_LEN, commit, n);
}

int bg_layout_release_create(const char *releases_dir, bg_release *r, bg_error *err)
{
	char stamp[BG_STAMP_LEN + 1];
	time_t now = time(NULL);
	int n;

	bg_layout_stamp((long long) now, stamp);
	for (n = 1; n <= BG_SAME_SECOND_MAX; n++) {
		char *path = release_path(releases_dir, stamp, r->commit, n);

		/* mkdir is the reservation: two releasers cannot both get a name. */
		if (path && mkdir(path, 0755) == 0) {
			r->path = path;
			r->created_at = (long long) now;
			return 0;
		}
		if (!path || errno != EEXIST) {
			bg_error_sys(err, BG_ERR_SYSTEM, "cannot create the release directory %s",
				path ? path : releases_dir);
			free(path);
			return -1;
		}
		free(path);
	}
	return bg_error_set(err, BG_ERR_SYSTEM, "cannot create a release directory in %s: "
		"%d releases of %.*s in one second", releases_dir, BG_SAME_SECOND_MAX, BG_SHORT_SHA_LEN, r->commit);
}

/* Whether the first n bytes of s are all in set. */
static int all_of(const char *s, size_t n, const char *set)
{
	return strspn(s, set) >= n;
}

int bg_layout_parse_release_name(const char *name, bg_release_name *out)
{
	const char *p = bg_layout_basename(name), *stamp, *sha, *rest;
	int n = 1;

	if (!bg_layout_is_release(p)) {
		return -1;
	}
	stamp = p + BG_PREFIX_LEN;
	if (strlen(stamp) < BG_STAMP_LEN + 1 + BG_SHORT_SHA_LEN || stamp[BG_STAMP_LEN] != '-') {
		return -1;
	}
	sha = stamp + BG_STAMP_LEN + 1;
	rest = sha + BG_SHORT_SHA_LEN;
	if (!all_of(sha, BG_SHORT_SHA_LEN, "0123456789abcdef")) {
		return -1;
	}
	if (*rest) {
		if (rest[0] != '-' || !rest[1] || strlen(rest + 1) > 3 || !all_of(rest + 1, strlen(rest + 1), "0123456789")) {
			return -1;
		}
		n = atoi(rest + 1);
	}
	memcpy(out->stamp, stamp, BG_STAMP_LEN);
	out->stamp[BG_STAMP_LEN] = '\0';
	memcpy(out->sha, sha, BG_SHORT_SHA_LEN);
	out->sha[BG_SHORT_SHA_LEN] = '\0';
	out->n = n;
	return 0;
}

int bg_layout_is_release(const char *name)
{
	return strncmp(name, BG_LAYOUT_RELEASE_PREFIX, BG_PREFIX_LEN) == 0;
}

int bg_layout_is_own_entry(const char *name, size_t len)
{
	return (len > BG_PREFIX_LEN && bg_layout_is_release(name))
		|| (len == sizeof(BG_LAYOUT_OWN_DIR) - 1 && memcmp(name, BG_LAYOUT_OWN_DIR, len) == 0)
		|| (len == sizeof(BG_LAYOUT_SHARED_DIR) - 1 && memcmp(name, BG_LAYOUT_SHARED_DIR, len) == 0);
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

/* The stamp of a release's name; of a name bluegreen did not make, what
 * stands where the stamp would. */
static void release_stamp(const char *name, char stamp[16])
{
	bg_release_name parsed;

	if (bg_layout_parse_release_name(name, &parsed) == 0) {
		memcpy(stamp, parsed.stamp, sizeof(parsed.stamp));
	} else {
		snprintf(stamp, 16, "%.15s", name + BG_PREFIX_LEN);
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
		release_stamp(e->d_name, list[*n].stamp);
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
