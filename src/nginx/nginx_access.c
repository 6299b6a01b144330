/* nginx's access log in the bluegreen format: the checks of the config that
 * writes it, and the incremental read that counts a release's answers. */
#include "nginx/nginx_access.h"
#include "nginx/nginx_conf.h"
#include "nginx/nginx_internal.h"
#include "base/fs.h"
#include "base/strv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BG_ESCAPE_PARAM "escape="

/* How much of the log one read() takes; a line longer than this is skipped. */
#define BG_ACCESS_CHUNK 65536

void bg_access_addr(const char *host, int port, char *buf, size_t size)
{
	if (strcmp(host, "localhost") == 0) {
		host = "127.0.0.1";
	}
	if (strchr(host, ':') && host[0] != '[') {
		snprintf(buf, size, "[%s]:%d", host, port);
	} else {
		snprintf(buf, size, "%s:%d", host, port);
	}
}

/* --- counting ---------------------------------------------------------------- */

/* The words of a line, at most max; returns how many. */
static size_t split_words(const char *line, size_t len, const char **w, size_t *wl, size_t max)
{
	size_t i = 0, n = 0;

	while (i < len && n < max) {
		while (i < len && line[i] == ' ') {
			i++;
		}
		if (i == len) {
			break;
		}
		w[n] = line + i;
		while (i < len && line[i] != ' ') {
			i++;
		}
		wl[n] = (size_t) (line + i - w[n]);
		n++;
	}
	return n;
}

/* Counts one line of the bluegreen format, if it is about addr. */
static void count_line(const char *line, size_t len, const char *addr, bg_access_counts *counts)
{
	const char *w[64];
	size_t wl[64], n, i, alen = strlen(addr);
	int seen = 0, last = 0, status;

	n = split_words(line, len, w, wl, 64);
	if (n < 3 || wl[n - 2] != 3) {
		return;         /* not a line of the bluegreen format */
	}
	status = atoi(w[n - 2]);
	/* Every word before the status is an address, with a ',' after it when
	 * nginx went on to the next server, or a lone ':' between redirects. */
	for (i = 0; i + 2 < n; i++) {
		size_t l = wl[i];

		if (l > 0 && w[i][l - 1] == ',') {
			l--;
		}
		last = l == alen && memcmp(w[i], addr, alen) == 0;
		seen |= last;
	}
	if (!seen) {
		return;
	}
	counts->requests++;
	/* Answered by another server after this one failed, or answered 5xx. */
	if (!last || status >= 500) {
		counts->errors++;
	}
}

/* --- reading ------------------------------------------------------------------ */

int bg_access_mark(const char *path, bg_access_cursor *c, bg_error *err)
{
	struct stat st;

	memset(c, 0, sizeof(*c));
	if (stat(path, &st) != 0) {
		if (errno == ENOENT) {
			return 0;
		}
		return bg_error_sys(err, BG_ERR_SYSTEM, "watch.access_log: %s", path);
	}
	c->dev = (unsigned long long) st.st_dev;
	c->ino = (unsigned long long) st.st_ino;
	c->offset = (long long) st.st_size;
	return 0;
}

/* Counts the complete lines of buf[0..len); returns the bytes they took. */
static size_t count_lines(const char *buf, size_t len, const char *addr, bg_access_counts *counts)
{
	size_t start = 0, i;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			count_line(buf + start, i - start, addr, counts);
			start = i + 1;
		}
	}
	return start;
}

int bg_access_read(const char *path, bg_access_cursor *c, const char *addr, bg_access_counts *counts, bg_error *err)
{
	struct stat st;
	char *buf;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		return errno == ENOENT ? 0 : bg_error_sys(err, BG_ERR_SYSTEM, "watch.access_log: %s", path);
	}
	if (fstat(fd, &st) != 0) {
		close(fd);
		return bg_error_sys(err, BG_ERR_SYSTEM, "watch.access_log: %s", path);
	}
	if ((unsigned long long) st.st_ino != c->ino || (unsigned long long) st.st_dev != c->dev
		|| (long long) st.st_size < c->offset) {
		/* Rotated (or created since the mark), or truncated: a new log. */
		c->dev = (unsigned long long) st.st_dev;
		c->ino = (unsigned long long) st.st_ino;
		c->offset = 0;
	}
	if (!(buf = malloc(BG_ACCESS_CHUNK))) {
		close(fd);
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	/* Up to the size seen now: what nginx writes meanwhile is for the next read. */
	while (c->offset < (long long) st.st_size) {
		size_t want = (size_t) ((long long) st.st_size - c->offset), used;
		ssize_t got;

		got = pread(fd, buf, want < BG_ACCESS_CHUNK ? want : BG_ACCESS_CHUNK, (off_t) c->offset);
		if (got <= 0) {
			break;
		}
		used = count_lines(buf, (size_t) got, addr, counts);
		if (used == 0) {
			/* No newline in a whole chunk: a line too long to be ours, or
			 * one nginx has not finished writing. */
			if ((size_t) got < BG_ACCESS_CHUNK) {
				break;
			}
			used = (size_t) got;
		}
		c->offset += (long long) used;
	}
	free(buf);
	close(fd);
	return 0;
}

/* --- the config ----------------------------------------------------------------- */

typedef struct {
	const bg_options *opt;
	const char *want;       /* the access log's path */
	int format;             /* 1: found as BG_ACCESS_FORMAT; -1: found, other */
	int format_line;
	const char *format_file;
	int log;                /* an access_log of want in that format */
	const char *file;       /* being read */
} conf_check;

/* The words of a format joined with single spaces, as nginx concatenates
 * its strings; `escape=` is a parameter, not part of it. */
static int format_is_ours(size_t argc, const char *const *argv)
{
	char joined[256] = "", *p, *q;
	size_t i, len = 0;

	for (i = 1; i < argc; i++) {
		if (i == 1 && strncmp(argv[i], BG_ESCAPE_PARAM, strlen(BG_ESCAPE_PARAM)) == 0) {
			continue;
		}
		len += (size_t) snprintf(joined + len, sizeof(joined) - (len < sizeof(joined) ? len : sizeof(joined)),
			"%s", argv[i]);
		if (len >= sizeof(joined)) {
			return 0;
		}
	}
	/* Runs of blanks count as one. */
	for (p = q = joined; *p; p++) {
		if (*p == '\t' || *p == '\n' || *p == '\r') {
			*p = ' ';
		}
		if (*p != ' ' || (q > joined && q[-1] != ' ')) {
			*q++ = *p;
		}
	}
	while (q > joined && q[-1] == ' ') {
		q--;
	}
	*q = '\0';
	return strcmp(joined, BG_ACCESS_FORMAT) == 0;
}

static int on_log_format(void *ctx, int line, size_t argc, const char *const *argv, bg_error *err)
{
	conf_check *c = ctx;

	(void) err;
	if (argc < 1 || strcmp(argv[0], "bluegreen") != 0) {
		return 0;
	}
	c->format = format_is_ours(argc, argv) ? 1 : -1;
	c->format_line = line;
	c->format_file = c->file;
	return 0;
}

static int on_access_log(void *ctx, int line, size_t argc, const char *const *argv, bg_error *err)
{
	conf_check *c = ctx;
	char *path;

	(void) line;
	(void) err;
	if (argc < 2 || strcmp(argv[1], "bluegreen") != 0) {
		return 0;
	}
	if ((path = bg_nginx_prefixed(c->opt, argv[0])) != NULL) {
		bg_path_normalize(path);
		c->log |= strcmp(path, c->want) == 0;
		free(path);
	}
	return 0;
}

static int check_file(conf_check *c, const char *file, bg_error *err)
{
	char *buf;
	size_t len;
	int rc;

	if (bg_read_file(file, &buf, &len, BG_ERR_NGINX, err) < 0) {
		return -1;
	}
	c->file = file;
	rc = bg_nginx_conf_each(buf, len, file, "log_format", on_log_format, c, err) < 0
		|| bg_nginx_conf_each(buf, len, file, "access_log", on_access_log, c, err) < 0 ? -1 : 0;
	free(buf);
	return rc;
}

int bg_access_check_conf(const bg_options *opt, const char *path, bg_error *err)
{
	conf_check c;
	const char *main_conf = opt->nginx.main_conf ? opt->nginx.main_conf : opt->nginx.conf;

	memset(&c, 0, sizeof(c));
	c.opt = opt;
	c.want = path;
	if (check_file(&c, main_conf, err) < 0
		|| (strcmp(main_conf, opt->nginx.conf) != 0 && check_file(&c, opt->nginx.conf, err) < 0)) {
		return bg_error_prefix(err, "watch.access_log: cannot read nginx's config");
	}
	if (c.format < 0) {
		return bg_error_set(err, BG_ERR_CONFIG, "watch.access_log: %s:%d: log_format bluegreen must be exactly "
			"'" BG_ACCESS_FORMAT "'", c.format_file, c.format_line);
	}
	if (!c.format || !c.log) {
		char where[1024];

		if (strcmp(main_conf, opt->nginx.conf) == 0) {
			snprintf(where, sizeof(where), "%s", main_conf);
		} else {
			snprintf(where, sizeof(where), "%s (nor %s)", main_conf, opt->nginx.conf);
		}
		return bg_error_set(err, BG_ERR_CONFIG, "watch.access_log: %s has no %s%s%s%s%s; add %s to the http block",
			where, c.format ? "" : "`log_format bluegreen '" BG_ACCESS_FORMAT "';`",
			!c.format && !c.log ? " and no " : "",
			c.log ? "" : "`access_log ", c.log ? "" : path, c.log ? "" : " bluegreen;`",
			!c.format && !c.log ? "them" : "it");
	}
	return 0;
}
