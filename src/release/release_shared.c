#include "release/release_shared.h"
#include "layout/layout.h"
#include "base/fs.h"
#include "base/strv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Makes `dir`'s parent directories; "a/b" needs "a". */
static int make_parent(const char *path, bg_error *err)
{
	char *parent = strdup(path), *slash;
	int rc = 0;

	if (!parent) {
		return bg_error_sys(err, BG_ERR_BUILD, "shared: %s", path);
	}
	if ((slash = strrchr(parent, '/')) && slash != parent) {
		*slash = '\0';
		rc = bg_mkdir_p(parent, 0755, BG_ERR_BUILD, err);
	}
	free(parent);
	return rc;
}

/* The shared target, created on first use; an existing one must be of the
 * kind the option names. */
static int ensure_target(const char *target, int is_dir, const char *spec, bg_error *err)
{
	struct stat st;
	int fd;

	if (stat(target, &st) == 0) {
		if ((S_ISDIR(st.st_mode) != 0) == is_dir) {
			return 0;
		}
		return bg_error_set(err, BG_ERR_BUILD, "shared \"%s\": %s is a %s, but the option names a %s "
			"(a trailing '/' means a directory)", spec, target, is_dir ? "file" : "directory",
			is_dir ? "directory" : "file");
	}
	if (make_parent(target, err) < 0) {
		return -1;
	}
	if (is_dir) {
		return bg_mkdir_p(target, 0755, BG_ERR_BUILD, err);
	}
	if ((fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0 && errno != EEXIST) {
		return bg_error_sys(err, BG_ERR_BUILD, "shared \"%s\": cannot create %s", spec, target);
	}
	if (fd >= 0) {
		close(fd);
	}
	return 0;
}

/* release/rel becomes a symlink to target. The checkout's directories on
 * the way must be real ones: a symlink committed to the repository must
 * not steer the link (or the removal before it) out of the release. */
static int link_into(const char *release, const char *rel, const char *target, const char *spec,
	bg_error *err)
{
	char *link = bg_asprintf("%s/%s", release, rel);
	int rc = -1;

	if (!link) {
		return bg_error_sys(err, BG_ERR_BUILD, "shared \"%s\"", spec);
	}
	if (bg_path_has_symlink(release, rel)) {
		bg_error_set(err, BG_ERR_BUILD, "shared \"%s\": a directory above %s in the release is a symlink",
			spec, link);
		goto cleanup;
	}
	if (make_parent(link, err) < 0) {
		goto cleanup;
	}
	if (bg_rm_rf(link) < 0) {
		bg_error_sys(err, BG_ERR_BUILD, "shared \"%s\": cannot remove the checkout's %s", spec, link);
		goto cleanup;
	}
	if (symlink(target, link) < 0) {
		bg_error_sys(err, BG_ERR_BUILD, "shared \"%s\": cannot link %s to %s", spec, link, target);
		goto cleanup;
	}
	rc = 0;

cleanup:
	free(link);
	return rc;
}

static int link_one(const bg_options *opt, const bg_release *release, const char *spec, bg_error *err)
{
	size_t len = strlen(spec);
	int is_dir = spec[len - 1] == '/';
	char *rel = strndup(spec, len - (size_t) is_dir);
	char *target = rel ? bg_layout_shared_path(opt, rel) : NULL;
	int rc = -1;

	if (!target) {
		bg_error_sys(err, BG_ERR_BUILD, "shared \"%s\"", spec);
	} else if (ensure_target(target, is_dir, spec, err) == 0
		&& link_into(release->path, rel, target, spec, err) == 0) {
		rc = 0;
	}
	free(rel);
	free(target);
	return rc;
}

int bg_release_link_shared(const bg_options *opt, const bg_release *rel, const bg_logger *log,
	bg_error *err)
{
	double t0 = bg_now_ms();
	bg_log_ctx ctx = { "shared", 0, rel->commit, 0 };
	char *list;
	size_t i;

	if (!opt->shared || !opt->shared[0]) {
		return 0;
	}
	for (i = 0; opt->shared[i]; i++) {
		if (link_one(opt, rel, opt->shared[i], err) < 0) {
			return -1;
		}
	}
	ctx.duration_ms = bg_now_ms() - t0;
	list = bg_strv_join(opt->shared);
	bg_log_step(log, BG_LOG_INFO, &ctx, "prepare: linked %zu shared path%s from %s/shared: %s",
		i, i == 1 ? "" : "s", opt->releases_dir, list ? list : "");
	free(list);
	return 0;
}
