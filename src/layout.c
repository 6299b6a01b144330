#include "layout.h"
#include "fs.h"
#include "strv.h"

#include <string.h>
#include <stdlib.h>

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
