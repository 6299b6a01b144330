/* The deploy history: what was deployed when, by what, and how long each
 * step took — one JSON object per line in the history file (layout.h),
 * appended after every deploy, rollback, heal and refusal. Bounded: past
 * BG_HISTORY_MAX_BYTES the file becomes history.jsonl.1 and a new one starts. */
#include "ops/ops.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/strv.h"
#include "layout/layout.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void who(bg_json_writer *w)
{
	struct passwd pw, *found = NULL;
	char buf[1024], host[256];

	bg_jw_key(w, "pid");
	bg_jw_int(w, (long long) getpid());
	bg_jw_key(w, "user");
	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &found) == 0 && found) {
		bg_jw_string(w, found->pw_name);
	} else {
		snprintf(buf, sizeof(buf), "%d", (int) geteuid());
		bg_jw_string(w, buf);
	}
	bg_jw_key(w, "host");
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		bg_jw_string(w, host);
	} else {
		bg_jw_null(w);
	}
}

static void key_str(bg_json_writer *w, const char *key, const char *s)
{
	bg_jw_key(w, key);
	bg_jw_string(w, s && *s ? s : NULL);
}

static void key_port(bg_json_writer *w, const char *key, int port)
{
	bg_jw_key(w, key);
	if (port > 0) {
		bg_jw_int(w, port);
	} else {
		bg_jw_null(w);
	}
}

static int line_of(const bg_ops_event *ev, char **out, size_t *len)
{
	bg_json_writer w;
	char stamp[32];
	time_t at = (time_t) ev->at;
	struct tm tm;
	size_t i;

	gmtime_r(&at, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	bg_jw_init_compact(&w);
	bg_jw_object_begin(&w);
	key_str(&w, "time", stamp);
	bg_jw_key(&w, "at");
	bg_jw_int(&w, ev->at);
	key_str(&w, "action", ev->action);
	key_str(&w, "trigger", ev->trigger);
	key_str(&w, "result", ev->result);
	key_str(&w, "commit", ev->commit);
	key_str(&w, "release", ev->release ? bg_layout_basename(ev->release) : NULL);
	key_port(&w, "port", ev->port);
	key_port(&w, "from_port", ev->from_port);
	key_str(&w, "step", ev->step);
	key_str(&w, "error", ev->error);
	bg_jw_key(&w, "duration_ms");
	bg_jw_int(&w, (long long) (ev->duration_ms + 0.5));
	bg_jw_key(&w, "steps");
	bg_jw_array_begin(&w);
	for (i = 0; i < ev->n_steps; i++) {
		bg_jw_object_begin(&w);
		key_str(&w, "step", ev->steps[i].name);
		bg_jw_key(&w, "ms");
		bg_jw_int(&w, (long long) (ev->steps[i].ms + 0.5));
		bg_jw_object_end(&w);
	}
	bg_jw_array_end(&w);
	who(&w);
	bg_jw_object_end(&w);
	return bg_jw_finish(&w, out, len);
}

/* Past the limit, the file moves aside (replacing the older one). Two
 * writers rotating at once lose at most the older file, never a line of the
 * current one: rename is atomic, and each appends to whichever file the
 * name then holds. */
static void rotate_if_full(const bg_options *opt, const char *path, size_t adding)
{
	struct stat st;
	char *old;

	if (stat(path, &st) < 0 || (size_t) st.st_size + adding <= BG_HISTORY_MAX_BYTES) {
		return;
	}
	if ((old = bg_layout_history_old_path(opt))) {
		rename(path, old);
		free(old);
	}
}

static int ends_cut(int fd)
{
	struct stat st;
	char last;

	return fstat(fd, &st) == 0 && st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n';
}

int bg_history_append(const bg_options *opt, const bg_ops_event *ev, bg_error *err)
{
	char *path = bg_layout_history_path(opt), *dir = bg_layout_own_dir(opt), *line = NULL;
	size_t len;
	ssize_t wrote;
	int fd = -1, rc = -1;

	if (!path || !dir || line_of(ev, &line, &len) < 0) {
		bg_error_set(err, BG_ERR_SYSTEM, "out of memory writing the history");
		goto cleanup;
	}
	if (bg_mkdir_p(dir, 0755, BG_ERR_SYSTEM, err) < 0) {
		goto cleanup;
	}
	rotate_if_full(opt, path, len);
	if ((fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		bg_error_sys(err, BG_ERR_SYSTEM, "cannot open the history %s", path);
		goto cleanup;
	}
	/* A writer killed mid-line left no newline: this line starts on its
	 * own (the cut one is skipped when read). */
	if (ends_cut(fd)) {
		char *grown = realloc(line, len + 2);

		if (grown) {
			line = grown;
			memmove(line + 1, line, len + 1);
			line[0] = '\n';
			len++;
		}
	}
	/* One write of the whole line: O_APPEND makes it land whole at the end
	 * whatever other writers do. */
	if ((wrote = write(fd, line, len)) != (ssize_t) len) {
		if (wrote >= 0) {
			errno = ENOSPC;
		}
		bg_error_sys(err, BG_ERR_SYSTEM, "cannot append to the history %s", path);
		goto cleanup;
	}
	rc = 0;

cleanup:
	if (fd >= 0) {
		close(fd);
	}
	free(line);
	free(dir);
	free(path);
	return rc;
}

/* --- reading ------------------------------------------------------------------ */

/* Appends the whole records of buf to *lines: a line cut short by a writer
 * killed mid-write is skipped. */
static int collect(char *buf, char ***lines, size_t *n)
{
	char *p = buf, *nl;

	while ((nl = strchr(p, '\n'))) {
		char **grown;

		*nl = '\0';
		/* A whole record is one object; a line cut short does not end with '}'. */
		if (*p == '{' && nl[-1] == '}') {
			if (!(grown = realloc(*lines, (*n + 1) * sizeof(char *))) || !(grown[*n] = strdup(p))) {
				if (grown) {
					*lines = grown;
				}
				return -1;
			}
			*lines = grown;
			(*n)++;
		}
		p = nl + 1;
	}
	return 0;
}

static int read_into(const char *path, char ***lines, size_t *n, bg_error *err)
{
	char *buf = NULL;
	size_t len;
	int rc;

	if (!bg_path_exists(path)) {
		return 0;
	}
	if (bg_read_file(path, &buf, &len, BG_ERR_SYSTEM, err) < 0) {
		return -1;
	}
	rc = collect(buf, lines, n);
	free(buf);
	return rc < 0 ? bg_error_set(err, BG_ERR_SYSTEM, "out of memory reading the history %s", path) : 0;
}

int bg_history_read(const bg_options *opt, size_t limit, char ***lines, size_t *n, bg_error *err)
{
	char *path = bg_layout_history_path(opt), *old = bg_layout_history_old_path(opt);
	char **all = NULL;
	size_t count = 0, skip, i;
	int rc = -1;

	*lines = NULL;
	*n = 0;
	if (!path || !old) {
		bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
		goto cleanup;
	}
	if (read_into(old, &all, &count, err) < 0 || read_into(path, &all, &count, err) < 0) {
		goto cleanup;
	}
	skip = count > limit ? count - limit : 0;
	for (i = 0; i < skip; i++) {
		free(all[i]);
	}
	if (skip) {
		memmove(all, all + skip, (count - skip) * sizeof(char *));
	}
	*lines = all;
	*n = count - skip;
	all = NULL;
	rc = 0;

cleanup:
	bg_history_free(all, count);
	free(old);
	free(path);
	return rc;
}

void bg_history_free(char **lines, size_t n)
{
	size_t i;

	for (i = 0; lines && i < n; i++) {
		free(lines[i]);
	}
	free(lines);
}
