#include "layout/release.h"
#include "base/strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Releases of one commit made in the same second: more is a runaway loop. */
#define BG_SAME_SECOND_MAX 100

void bg_release_init(bg_release *r)
{
	memset(r, 0, sizeof(*r));
}

void bg_release_free(bg_release *r)
{
	free(r->path);
	bg_release_init(r);
}

int bg_release_copy(bg_release *dst, const bg_release *src)
{
	char *path = src->path ? strdup(src->path) : NULL;

	if (src->path && !path) {
		return -1;
	}
	bg_release_free(dst);
	*dst = *src;
	dst->path = path;
	return 0;
}

int bg_release_dir_create(const char *releases_dir, bg_release *r, bg_error *err)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	for (n = 1; n <= BG_SAME_SECOND_MAX; n++) {
		char *path = n == 1
			? bg_asprintf("%s/release-%s-%.7s", releases_dir, stamp, r->commit)
			: bg_asprintf("%s/release-%s-%.7s-%d", releases_dir, stamp, r->commit, n);

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
		"%d releases of %.7s in one second", releases_dir, BG_SAME_SECOND_MAX, r->commit);
}
