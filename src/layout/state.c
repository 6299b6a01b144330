#include "layout/state.h"
#include "layout/layout.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The format's version: a file bluegreen wrote says so. */
#define BG_STATE_VERSION 1

void bg_state_init(bg_state *s)
{
	memset(s, 0, sizeof(*s));
}

static void failure_free(bg_state_failure *f)
{
	free(f->error);
	memset(f, 0, sizeof(*f));
}

void bg_state_free(bg_state *s)
{
	size_t i;

	bg_release_free(&s->live.rel);
	bg_release_free(&s->previous.rel);
	bg_release_free(&s->deploy.rel);
	for (i = 0; i < s->n_failed; i++) {
		failure_free(&s->failed[i]);
	}
	free(s->failed);
	failure_free(&s->last_error);
	free(s->retry.reason);
	bg_state_init(s);
}

static char *state_path(const bg_options *opt)
{
	return bg_layout_state_path(opt);
}

/* --- reading ---------------------------------------------------------------- */

static void copy_sha(char dst[41], const char *src)
{
	dst[0] = '\0';
	if (src && strlen(src) == 40) {
		memcpy(dst, src, 41);
	}
}

static void copy_word(char *dst, size_t size, const char *src)
{
	dst[0] = '\0';
	if (src && strlen(src) < size) {
		strcpy(dst, src);
	}
}

static long long get_ll(const bg_json *obj, const char *key)
{
	long long v = 0;

	bg_json_get_int(obj, key, &v);
	return v;
}

/* {"commit", "path", "port", "created_at"} into a release. */
static void read_release(const bg_json *j, bg_release *rel)
{
	const char *path = bg_json_get_str(j, "path");

	copy_sha(rel->commit, bg_json_get_str(j, "commit"));
	rel->path = path ? strdup(path) : NULL;
	rel->port = (int) get_ll(j, "port");
	rel->created_at = get_ll(j, "created_at");
}

static void read_slot(const bg_json *j, bg_state_release *slot)
{
	if (!j || j->type != BG_JSON_OBJECT) {
		return;
	}
	read_release(j, &slot->rel);
	slot->since = get_ll(j, "since");
	slot->done_ms = get_ll(j, "done_ms");
	slot->set = slot->rel.commit[0] && slot->rel.path;
}

static void read_failure(const bg_json *j, bg_state_failure *f)
{
	const char *error = bg_json_get_str(j, "error");

	copy_sha(f->commit, bg_json_get_str(j, "commit"));
	copy_word(f->step, sizeof(f->step), bg_json_get_str(j, "step"));
	f->error = error ? strdup(error) : NULL;
	f->at = get_ll(j, "at");
}

static void read_watch(const bg_json *j, bg_state_deploy *d)
{
	if (!j || j->type != BG_JSON_OBJECT) {
		return;
	}
	d->watch_since_ms = get_ll(j, "since_ms");
	d->watch_dev = (unsigned long long) get_ll(j, "log_dev");
	d->watch_ino = (unsigned long long) get_ll(j, "log_ino");
	d->watch_offset = get_ll(j, "log_offset");
}

static void read_deploy(const bg_json *j, bg_state_deploy *d)
{
	long long v = 0;

	if (!j || j->type != BG_JSON_OBJECT) {
		return;
	}
	read_release(j, &d->rel);
	copy_word(d->step, sizeof(d->step), bg_json_get_str(j, "step"));
	d->from_port = (int) get_ll(j, "from_port");
	d->started = get_ll(j, "started");
	d->pid = (int) get_ll(j, "pid");
	if (bg_json_get_int(j, "pid_start", &v) == 0) {
		d->pid_start = (unsigned long long) v;
	}
	read_watch(bg_json_get(j, "watch"), d);
	/* A deploy of a short sha has no full one until prepared: the step says it is under way. */
	d->set = d->step[0] != '\0';
}

static void read_failed(const bg_json *list, bg_state *s)
{
	size_t i, n = bg_json_len(list);

	if (!list || list->type != BG_JSON_ARRAY || n == 0) {
		return;
	}
	if (!(s->failed = calloc(n, sizeof(*s->failed)))) {
		return;
	}
	for (i = 0; i < n; i++) {
		read_failure(bg_json_at(list, i), &s->failed[s->n_failed]);
		if (s->failed[s->n_failed].commit[0]) {
			s->n_failed++;
		} else {
			failure_free(&s->failed[s->n_failed]);
		}
	}
}

static void read_retry(const bg_json *j, bg_state_retry *r)
{
	const char *reason;

	if (!j || j->type != BG_JSON_OBJECT || !(reason = bg_json_get_str(j, "reason"))) {
		return;
	}
	copy_sha(r->commit, bg_json_get_str(j, "commit"));
	copy_word(r->step, sizeof(r->step), bg_json_get_str(j, "step"));
	r->reason = strdup(reason);
	r->attempts = (int) get_ll(j, "attempts");
	r->after = get_ll(j, "after");
}

static void read_services(const bg_json *list, bg_state *s)
{
	size_t i, n = bg_json_len(list);
	long long v;

	for (i = 0; list && list->type == BG_JSON_ARRAY && i < n; i++) {
		const bg_json *e = bg_json_at(list, i);
		int pid = (int) get_ll(e, "pid");

		if (pid > 1 && bg_json_get_int(e, "pid_start", &v) == 0 && v > 0) {
			bg_state_add_service(s, pid, (unsigned long long) v, (int) get_ll(e, "port"));
		}
	}
}

static void read_state(const bg_json *root, bg_state *s)
{
	const bg_json *v;

	read_slot(bg_json_get(root, "live"), &s->live);
	read_slot(bg_json_get(root, "previous"), &s->previous);
	read_deploy(bg_json_get(root, "deploy"), &s->deploy);
	read_failed(bg_json_get(root, "failed"), s);
	if ((v = bg_json_get(root, "last_error")) && v->type == BG_JSON_OBJECT) {
		read_failure(v, &s->last_error);
	}
	if ((v = bg_json_get(root, "last_check")) && v->type == BG_JSON_OBJECT) {
		s->checked_at = get_ll(v, "at");
		copy_sha(s->checked_head, bg_json_get_str(v, "head"));
	}
	if ((v = bg_json_get(root, "stop_pending")) && v->type == BG_JSON_OBJECT) {
		s->stop_pending_port = (int) get_ll(v, "port");
		s->stop_pending_since = get_ll(v, "since");
	}
	read_retry(bg_json_get(root, "retry"), &s->retry);
	read_services(bg_json_get(root, "services"), s);
	if ((v = bg_json_get(root, "unhealthy")) && v->type == BG_JSON_OBJECT) {
		s->unhealthy_since = get_ll(v, "since");
		copy_word(s->unhealthy_why, sizeof(s->unhealthy_why), bg_json_get_str(v, "error"));
	}
}

int bg_state_load(const bg_options *opt, bg_state *s, bg_error *err)
{
	char *path = state_path(opt), *buf = NULL;
	bg_json *root = NULL;
	size_t len;
	long long version = 0;
	int rc = -1;

	bg_state_init(s);
	if (!path) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	if (bg_read_file(path, &buf, &len, BG_ERR_SYSTEM, err) < 0) {
		rc = err->sys_errno == ENOENT ? 0 : -1;  /* no deploy yet */
		goto cleanup;
	}
	if (bg_json_parse(buf, len, path, BG_ERR_SYSTEM, &root, err) < 0) {
		bg_error_append(err, " (the releaser's state: fix or remove the file)");
		goto cleanup;
	}
	if (root->type != BG_JSON_OBJECT || bg_json_get_int(root, "version", &version) < 0
		|| version != BG_STATE_VERSION) {
		bg_error_set(err, BG_ERR_SYSTEM, "%s is not a bluegreen state file of version %d", path, BG_STATE_VERSION);
		goto cleanup;
	}
	read_state(root, s);
	rc = 0;

cleanup:
	bg_json_free(root);
	free(buf);
	free(path);
	return rc;
}

/* --- writing ---------------------------------------------------------------- */

/* One member, "key": value, the shape every writer below repeats. */
static void put_str(bg_json_writer *w, const char *key, const char *v)   /* NULL: null */
{
	bg_jw_key(w, key);
	bg_jw_string(w, v);
}

static void put_int(bg_json_writer *w, const char *key, long long v)
{
	bg_jw_key(w, key);
	bg_jw_int(w, v);
}

/* A sha, or null while empty. */
static void put_sha(bg_json_writer *w, const char *key, const char *sha)
{
	put_str(w, key, sha[0] ? sha : NULL);
}

/* The member `key` as an object the caller fills and ends (1), or null when
 * there is nothing to record (0). */
static int begin_object(bg_json_writer *w, const char *key, int present)
{
	bg_jw_key(w, key);
	if (!present) {
		bg_jw_null(w);
		return 0;
	}
	bg_jw_object_begin(w);
	return 1;
}

static void write_release_fields(bg_json_writer *w, const bg_release *rel)
{
	put_sha(w, "commit", rel->commit);
	put_str(w, "path", rel->path);
	bg_jw_key(w, "port");
	if (rel->port) {
		bg_jw_int(w, rel->port);
	} else {
		bg_jw_null(w);
	}
	put_int(w, "created_at", rel->created_at);
}

static void write_slot(bg_json_writer *w, const char *key, const bg_state_release *slot)
{
	if (begin_object(w, key, slot->set)) {
		write_release_fields(w, &slot->rel);
		put_int(w, "since", slot->since);
		if (slot->done_ms) {
			put_int(w, "done_ms", slot->done_ms);
		}
		bg_jw_object_end(w);
	}
}

static void write_deploy(bg_json_writer *w, const bg_state_deploy *d)
{
	if (begin_object(w, "deploy", d->set)) {
		write_release_fields(w, &d->rel);
		put_str(w, "step", d->step);
		put_int(w, "from_port", d->from_port);
		put_int(w, "started", d->started);
		put_int(w, "pid", d->pid);
		put_int(w, "pid_start", (long long) d->pid_start);
		if (d->watch_since_ms) {
			/* the watch after the switch: where it started, the access log's place */
			bg_jw_key(w, "watch");
			bg_jw_object_begin(w);
			put_int(w, "since_ms", d->watch_since_ms);
			put_int(w, "log_dev", (long long) d->watch_dev);
			put_int(w, "log_ino", (long long) d->watch_ino);
			put_int(w, "log_offset", d->watch_offset);
			bg_jw_object_end(w);
		}
		bg_jw_object_end(w);
	}
}

static void write_failure_fields(bg_json_writer *w, const bg_state_failure *f)
{
	put_sha(w, "commit", f->commit);
	put_str(w, "step", f->step);
	put_str(w, "error", f->error);
	put_int(w, "at", f->at);
}

static void write_retry(bg_json_writer *w, const bg_state_retry *r)
{
	if (begin_object(w, "retry", r->reason != NULL)) {
		put_sha(w, "commit", r->commit);
		put_str(w, "step", r->step);
		put_str(w, "reason", r->reason);
		put_int(w, "attempts", r->attempts);
		put_int(w, "after", r->after);
		bg_jw_object_end(w);
	}
}

/* "unhealthy": {"since", "error"} while the live release fails its health check. */
static void write_unhealthy(bg_json_writer *w, const bg_state *s)
{
	if (begin_object(w, "unhealthy", s->unhealthy_since != 0)) {
		put_int(w, "since", s->unhealthy_since);
		put_str(w, "error", s->unhealthy_why);
		bg_jw_object_end(w);
	}
}

static void write_state(bg_json_writer *w, const bg_state *s)
{
	size_t i;

	bg_jw_object_begin(w);
	put_int(w, "version", BG_STATE_VERSION);
	write_slot(w, "live", &s->live);
	write_slot(w, "previous", &s->previous);
	write_deploy(w, &s->deploy);
	bg_jw_key(w, "failed");
	bg_jw_array_begin(w);
	for (i = 0; i < s->n_failed; i++) {
		bg_jw_object_begin(w);
		write_failure_fields(w, &s->failed[i]);
		bg_jw_object_end(w);
	}
	bg_jw_array_end(w);
	if (begin_object(w, "last_error", s->last_error.error != NULL)) {
		write_failure_fields(w, &s->last_error);
		bg_jw_object_end(w);
	}
	begin_object(w, "last_check", 1);
	put_int(w, "at", s->checked_at);
	put_sha(w, "head", s->checked_head);
	bg_jw_object_end(w);
	if (begin_object(w, "stop_pending", s->stop_pending_port != 0)) {
		put_int(w, "port", s->stop_pending_port);
		put_int(w, "since", s->stop_pending_since);
		bg_jw_object_end(w);
	}
	write_retry(w, &s->retry);
	bg_jw_key(w, "services");
	bg_jw_array_begin(w);
	for (i = 0; i < s->n_services; i++) {
		bg_jw_object_begin(w);
		put_int(w, "pid", s->services[i].pid);
		put_int(w, "pid_start", (long long) s->services[i].pid_start);
		put_int(w, "port", s->services[i].port);
		bg_jw_object_end(w);
	}
	bg_jw_array_end(w);
	write_unhealthy(w, s);
	bg_jw_object_end(w);
}

int bg_state_save(const bg_options *opt, const bg_state *s, bg_error *err)
{
	bg_json_writer w;
	char *path = state_path(opt), *dir = NULL, *doc = NULL;
	size_t len;
	int rc = -1;

	bg_jw_init(&w);
	write_state(&w, s);
	if (!path || !(dir = bg_layout_own_dir(opt)) || bg_jw_finish(&w, &doc, &len) < 0) {
		bg_error_set(err, BG_ERR_SYSTEM, "out of memory writing the state");
		goto cleanup;
	}
	if (bg_mkdir_p(dir, 0755, BG_ERR_SYSTEM, err) == 0) {
		rc = bg_write_file_atomic(path, doc, len, BG_ERR_SYSTEM, err);
	}

cleanup:
	bg_jw_free(&w);
	free(doc);
	free(dir);
	free(path);
	return rc;
}

/* --- changing it -------------------------------------------------------------- */

static void set_failure(bg_state_failure *f, const char *commit, const char *step, const char *error, long long at)
{
	failure_free(f);
	copy_sha(f->commit, commit);
	copy_word(f->step, sizeof(f->step), step);
	f->error = bg_strdup(error ? error : "");
	f->at = at;
}

void bg_state_fail(bg_state *s, const char *commit, const char *step, const char *error)
{
	long long now = (long long) time(NULL);
	bg_state_failure *grown;
	size_t i;

	set_failure(&s->last_error, commit, step, error, now);
	if (!commit || !commit[0]) {
		return;
	}
	for (i = 0; i < s->n_failed; i++) {
		if (strcmp(s->failed[i].commit, commit) == 0) {
			set_failure(&s->failed[i], commit, step, error, now);
			return;
		}
	}
	if (s->n_failed == BG_STATE_MAX_FAILED) {
		failure_free(&s->failed[0]);
		memmove(&s->failed[0], &s->failed[1], (s->n_failed - 1) * sizeof(*s->failed));
		memset(&s->failed[--s->n_failed], 0, sizeof(*s->failed));
	} else if ((grown = realloc(s->failed, (s->n_failed + 1) * sizeof(*s->failed)))) {
		s->failed = grown;
		memset(&s->failed[s->n_failed], 0, sizeof(*s->failed));
	} else {
		return;
	}
	set_failure(&s->failed[s->n_failed++], commit, step, error, now);
}

const bg_state_failure *bg_state_failed(const bg_state *s, const char *commit)
{
	size_t i;

	for (i = 0; commit && i < s->n_failed; i++) {
		if (strcmp(s->failed[i].commit, commit) == 0) {
			return &s->failed[i];
		}
	}
	return NULL;
}

long long bg_state_retry_set(bg_state *s, const char *commit, const char *step, const char *reason, double first_s,
	double max_s)
{
	bg_state_retry *r = &s->retry;
	double wait = first_s;
	int i;

	r->attempts = r->reason ? r->attempts + 1 : 1;
	for (i = 1; i < r->attempts && wait < max_s; i++) {
		wait *= 2;
	}
	if (wait > max_s) {
		wait = max_s;
	}
	free(r->reason);
	r->reason = bg_strdup(reason ? reason : "");
	copy_sha(r->commit, commit);
	copy_word(r->step, sizeof(r->step), step);
	r->after = (long long) time(NULL) + (long long) (wait + 0.999);
	return (long long) (wait + 0.999);
}

void bg_state_retry_clear(bg_state *s)
{
	free(s->retry.reason);
	memset(&s->retry, 0, sizeof(s->retry));
}

void bg_state_add_service(bg_state *s, int pid, unsigned long long pid_start, int port)
{
	if (bg_state_has_service(s, pid, pid_start)) {
		return;
	}
	if (s->n_services == BG_STATE_MAX_SERVICES) {
		memmove(&s->services[0], &s->services[1], (s->n_services - 1) * sizeof(s->services[0]));
		s->n_services--;
	}
	s->services[s->n_services].pid = pid;
	s->services[s->n_services].pid_start = pid_start;
	s->services[s->n_services].port = port;
	s->n_services++;
}

int bg_state_has_service(const bg_state *s, int pid, unsigned long long pid_start)
{
	size_t i;

	for (i = 0; i < s->n_services; i++) {
		if (s->services[i].pid == pid && s->services[i].pid_start == pid_start) {
			return 1;
		}
	}
	return 0;
}

int bg_state_set_release(bg_state_release *slot, const bg_release *rel, long long since)
{
	if (bg_release_copy(&slot->rel, rel) < 0) {
		return -1;
	}
	slot->since = since;
	slot->done_ms = 0;
	slot->set = 1;
	return 0;
}
