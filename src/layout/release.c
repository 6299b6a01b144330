#include "layout/release.h"
#include "base/strv.h"

#include <stdlib.h>
#include <string.h>

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
