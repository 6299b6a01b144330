#include "app/portfile.h"
#include "base/fs.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Calls fn for every maximal run of digits in buf. */
static void each_number(const char *buf, size_t len,
	void (*fn)(size_t start, size_t n, int value, void *data), void *data)
{
	size_t i = 0;

	while (i < len) {
		size_t start;
		int value = 0, big = 0;

		if (!isdigit((unsigned char) buf[i])) {
			i++;
			continue;
		}
		for (start = i; i < len && isdigit((unsigned char) buf[i]); i++) {
			if (value > 100000) {
				big = 1;
			} else {
				value = value * 10 + (buf[i] - '0');
			}
		}
		/* "09501" is not the port 9501 */
		if (!big && !(buf[start] == '0' && i - start > 1)) {
			fn(start, i - start, value, data);
		}
	}
}

struct rewrite {
	const char *buf;
	const int *ports;
	int port;
	char *out;
	size_t out_len;
	size_t copied;   /* bytes of buf already copied */
	int count;
};

static void replace_if_port(size_t start, size_t n, int value, void *data)
{
	struct rewrite *r = data;
	int w;

	if (value != r->ports[0] && value != r->ports[1]) {
		return;
	}
	memcpy(r->out + r->out_len, r->buf + r->copied, start - r->copied);
	r->out_len += start - r->copied;
	w = sprintf(r->out + r->out_len, "%d", r->port);
	r->out_len += (size_t) w;
	r->copied = start + n;
	r->count++;
}

int bg_portfile_rewrite(const char *buf, size_t len, const int ports[2], int port,
	char **out, size_t *out_len, int *count)
{
	/* A port has at most 5 digits and each match had at least 1. */
	struct rewrite r = { buf, ports, port, malloc(len * 5 + 1), 0, 0, 0 };

	if (!r.out) {
		return -1;
	}
	each_number(buf, len, replace_if_port, &r);
	memcpy(r.out + r.out_len, buf + r.copied, len - r.copied);
	r.out_len += len - r.copied;
	r.out[r.out_len] = '\0';
	*out = r.out;
	*out_len = r.out_len;
	*count = r.count;
	return 0;
}

struct find {
	int port;
	int found;
};

static void note_if_port(size_t start, size_t n, int value, void *data)
{
	struct find *f = data;

	(void) start;
	(void) n;
	if (value == f->port) {
		f->found = 1;
	}
}

int bg_portfile_names(const char *buf, size_t len, int port)
{
	struct find f = { port, 0 };

	each_number(buf, len, note_if_port, &f);
	return f.found;
}

int bg_portfile_set(const char *path, const int ports[2], int port, bg_error *err)
{
	char *buf = NULL, *out = NULL;
	size_t len, out_len;
	int count, rc = -1;

	if (bg_read_file(path, &buf, &len, BG_ERR_CONFIG, err) < 0) {
		return bg_error_prefix(err, "port file");
	}
	if (bg_portfile_rewrite(buf, len, ports, port, &out, &out_len, &count) < 0) {
		bg_error_set(err, BG_ERR_CONFIG, "out of memory rewriting the port file %s", path);
		goto cleanup;
	}
	if (count == 0) {
		bg_error_set(err, BG_ERR_CONFIG, "port file %s names neither port %d nor %d: the release "
			"would not listen on port %d (set the `port_files` option, or read BLUEGREEN_PORT there)",
			path, ports[0], ports[1], port);
		goto cleanup;
	}
	if (out_len == len && memcmp(out, buf, len) == 0) {
		rc = 0; /* already set */
		goto cleanup;
	}
	rc = bg_write_file_atomic(path, out, out_len, BG_ERR_CONFIG, err);

cleanup:
	free(buf);
	free(out);
	return rc;
}

int bg_portfile_locate(const char *release, const char *rel, char **path, bg_code code, bg_error *err)
{
	int inside = bg_path_resolve_inside(release, rel, path);

	if (inside < 0) {
		if (errno == ENOENT) {
			return 0;
		}
		return bg_error_sys(err, code, "port file \"%s\" of %s", rel, release);
	}
	if (!inside) {
		bg_error_set(err, code, "port file \"%s\" of %s resolves to %s, outside the release: refusing it "
			"(a symlink in the commit?)", rel, release, *path);
		free(*path);
		*path = NULL;
		return -1;
	}
	return 1;
}

int bg_portfiles_check(char *const *port_files, const char *release, bg_code code, bg_error *err)
{
	size_t i;

	for (i = 0; port_files && port_files[i]; i++) {
		char *path = NULL;
		int rc = bg_portfile_locate(release, port_files[i], &path, code, err);

		free(path);
		if (rc < 0) {
			return -1;
		}
	}
	return 0;
}
