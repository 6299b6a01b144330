#include "fs.h"

#include <string.h>

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
