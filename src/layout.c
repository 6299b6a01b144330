#include "layout.h"
#include "fs.h"
#include "strv.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

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

static int is_release_entry(const struct dirent *e)
{
	return bg_layout_is_release(e->d_name);
}

int bg_layout_releases(const bg_options *opt, char ***paths)
{
	struct dirent **list;
	int n, i, rc = 0;

	*paths = NULL;
	n = scandir(opt->releases_dir, &list, is_release_entry, alphasort);
	if (n < 0) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		char *path = bg_asprintf("%s/%s", opt->releases_dir, list[i]->d_name);

		if (!path || bg_strv_push(paths, path) < 0) {
			rc = -1;
		}
		free(path);
		free(list[i]);
	}
	free(list);
	return rc;
}
