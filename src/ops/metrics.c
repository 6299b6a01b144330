/* Metrics in Prometheus' text format, for node_exporter's textfile collector:
 * metrics_file is rewritten whole (a temporary file beside it, renamed over
 * it) after every check and every deploy, rollback or heal, so a scrape sees
 * the old file or the new one, never a mix.
 *
 * The counters must survive a restart of the releaser (a new release's
 * process takes over from the old one's at every deploy), so they are kept
 * in the counters file (layout.h): one integer per series, keyed by
 * the series as written (name and labels). They count from the first event
 * recorded with metrics_file set; removing that file resets them, which
 * Prometheus' rate() takes as a counter reset. Durations are kept in whole
 * milliseconds and written in seconds. */
#include "ops/ops.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/strv.h"
#include "layout/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The histogram's upper bounds, in seconds: a check takes milliseconds, a
 * build minutes. */
static const double bucket_bounds[] = { 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300 };
#define N_BOUNDS (sizeof(bucket_bounds) / sizeof(bucket_bounds[0]))

/* The steps, in the order a deploy runs them (the histogram's order). */
static const char *const step_names[] = { "check", "prepare", "start", "switch", "drain", "stop", "prune", NULL };

#define M_CHECKS "bluegreen_checks_total"
#define M_DEPLOYS "bluegreen_deploys_total"
#define M_ROLLBACKS "bluegreen_rollbacks_total"
#define M_STEP "bluegreen_step_duration_seconds"
#define M_LAST "bluegreen_last_deploy_timestamp_seconds"
#define M_LIVE "bluegreen_live_info"

typedef struct {
	char *key;
	long long value;
} counter;

typedef struct {
	counter *items;
	size_t n;
	int oom;
} counters;

static void counters_free(counters *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->items[i].key);
	}
	free(c->items);
	memset(c, 0, sizeof(*c));
}

static counter *find(const counters *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (strcmp(c->items[i].key, key) == 0) {
			return &c->items[i];
		}
	}
	return NULL;
}

static counter *get(counters *c, const char *key)
{
	counter *found = find(c, key), *grown;

	if (found || c->oom) {
		return found;
	}
	if (!(grown = realloc(c->items, (c->n + 1) * sizeof(counter)))) {
		c->oom = 1;
		return NULL;
	}
	c->items = grown;
	if (!(grown[c->n].key = strdup(key))) {
		c->oom = 1;
		return NULL;
	}
	grown[c->n].value = 0;
	return &grown[c->n++];
}

static void add(counters *c, const char *key, long long delta)
{
	counter *k = get(c, key);

	if (k) {
		k->value += delta;
	}
}

static void set(counters *c, const char *key, long long value)
{
	counter *k = get(c, key);

	if (k) {
		k->value = value;
	}
}

/* A label value as the text format wants it: \, " and newline escaped. A
 * value of ours is a word, a sha or a directory name; this is for safety. */
static void label_value(char *out, size_t size, const char *s)
{
	size_t o = 0;

	for (; s && *s && o + 3 < size; s++) {
		if (*s == '\\' || *s == '"') {
			out[o++] = '\\';
			out[o++] = *s;
		} else if (*s == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
}

/* --- the store ---------------------------------------------------------------- */

static int load(const bg_options *opt, counters *c, bg_error *err)
{
	char *path = bg_layout_counters_path(opt), *buf = NULL;
	bg_json *root = NULL;
	size_t len, i;
	int rc = -1;

	if (!path) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	if (!bg_path_exists(path)) {
		rc = 0;
		goto cleanup;
	}
	if (bg_read_file(path, &buf, &len, BG_ERR_SYSTEM, err) < 0
		|| bg_json_parse(buf, len, path, BG_ERR_SYSTEM, &root, err) < 0) {
		goto cleanup;
	}
	for (i = 0; i < bg_json_len(root); i++) {
		const bg_json *m = bg_json_at(root, i);
		long long v;

		if (m->key && bg_json_get_int(root, m->key, &v) == 0) {
			set(c, m->key, v);
		}
	}
	rc = c->oom ? bg_error_set(err, BG_ERR_SYSTEM, "out of memory") : 0;

cleanup:
	bg_json_free(root);
	free(buf);
	free(path);
	return rc;
}

static int save(const bg_options *opt, const counters *c, bg_error *err)
{
	char *path = bg_layout_counters_path(opt), *doc = NULL;
	bg_json_writer w;
	size_t len, i;
	int rc = -1;

	bg_jw_init(&w);
	bg_jw_object_begin(&w);
	for (i = 0; i < c->n; i++) {
		bg_jw_key(&w, c->items[i].key);
		bg_jw_int(&w, c->items[i].value);
	}
	bg_jw_object_end(&w);
	if (!path || bg_jw_finish(&w, &doc, &len) < 0) {
		bg_error_set(err, BG_ERR_SYSTEM, "out of memory writing the metrics' counters");
	} else {
		rc = bg_write_file_atomic(path, doc, len, BG_ERR_SYSTEM, err);
	}
	bg_jw_free(&w);
	free(doc);
	free(path);
	return rc;
}

/* --- counting ------------------------------------------------------------------- */

static void count_step(counters *c, const char *step, double ms)
{
	char key[160], name[32];
	size_t b;

	label_value(name, sizeof(name), step);
	for (b = 0; b < N_BOUNDS; b++) {
		if (ms <= bucket_bounds[b] * 1000) {
			snprintf(key, sizeof(key), M_STEP "_bucket{step=\"%s\",le=\"%g\"}", name, bucket_bounds[b]);
			add(c, key, 1);
		}
	}
	snprintf(key, sizeof(key), M_STEP "_bucket{step=\"%s\",le=\"+Inf\"}", name);
	add(c, key, 1);
	snprintf(key, sizeof(key), M_STEP "_sum{step=\"%s\"}", name);
	add(c, key, (long long) (ms + 0.5));
	snprintf(key, sizeof(key), M_STEP "_count{step=\"%s\"}", name);
	add(c, key, 1);
}

static void count(counters *c, const bg_ops_event *ev)
{
	char key[160], result[32], step[32];
	size_t i;

	label_value(result, sizeof(result), ev->result);
	if (ev->kind == BG_OPS_CHECK) {
		snprintf(key, sizeof(key), M_CHECKS "{result=\"%s\"}", result);
		add(c, key, 1);
		for (i = 0; i < ev->n_steps; i++) {
			count_step(c, ev->steps[i].name, ev->steps[i].ms);
		}
		return;
	}
	/* A deploy's own check was counted as a check already. */
	for (i = 0; i < ev->n_steps; i++) {
		if (strcmp(ev->steps[i].name, "check") != 0) {
			count_step(c, ev->steps[i].name, ev->steps[i].ms);
		}
	}
	label_value(step, sizeof(step), ev->step ? ev->step : "");
	snprintf(key, sizeof(key), M_DEPLOYS "{action=\"%s\",result=\"%s\",step=\"%s\"}", ev->action, result, step);
	add(c, key, 1);
	snprintf(key, sizeof(key), M_LAST "{result=\"%s\"}", result);
	set(c, key, ev->at + (long long) (ev->duration_ms / 1000));
	if (strcmp(ev->result, BG_OPS_LIVE) == 0 && strcmp(ev->action, "deploy") != 0) {
		add(c, M_ROLLBACKS, 1);
	}
}

/* --- the text format ------------------------------------------------------------ */

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The stored series whose name is exactly `name` (labels or none). */
static void series(FILE *out, const counters *c, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < c->n; i++) {
		const char *k = c->items[i].key;

		if (strncmp(k, name, len) == 0 && (k[len] == '{' || k[len] == '\0')) {
			fprintf(out, "%s %lld\n", k, c->items[i].value);
		}
	}
}

static void histogram(FILE *out, const counters *c)
{
	char key[160];
	const counter *k;
	size_t s, b;

	family(out, M_STEP, "histogram", "Duration of each deploy step (check: every check).");
	for (s = 0; step_names[s]; s++) {
		const char *st = step_names[s];
		long long count;

		snprintf(key, sizeof(key), M_STEP "_count{step=\"%s\"}", st);
		if (!(k = find(c, key))) {
			continue;
		}
		count = k->value;
		for (b = 0; b < N_BOUNDS; b++) {
			snprintf(key, sizeof(key), M_STEP "_bucket{step=\"%s\",le=\"%g\"}", st, bucket_bounds[b]);
			fprintf(out, "%s %lld\n", key, (k = find(c, key)) ? k->value : 0);
		}
		fprintf(out, M_STEP "_bucket{step=\"%s\",le=\"+Inf\"} %lld\n", st, count);
		snprintf(key, sizeof(key), M_STEP "_sum{step=\"%s\"}", st);
		k = find(c, key);
		fprintf(out, M_STEP "_sum{step=\"%s\"} %.3f\n", st, k ? (double) k->value / 1000 : 0.0);
		fprintf(out, M_STEP "_count{step=\"%s\"} %lld\n", st, count);
	}
}

static void live_info(FILE *out, const bg_state *st)
{
	char commit[64], release[300];

	family(out, M_LIVE, "gauge", "The release live now (1), by commit, port and release directory.");
	if (!st || !st->live.set) {
		return;
	}
	label_value(commit, sizeof(commit), st->live.rel.commit);
	label_value(release, sizeof(release), st->live.rel.path ? bg_layout_basename(st->live.rel.path) : "");
	fprintf(out, M_LIVE "{commit=\"%s\",port=\"%d\",release=\"%s\"} 1\n", commit,
		st->live.rel.port, release);
}

static void render(FILE *out, const counters *c, const bg_state *st)
{
	family(out, M_CHECKS, "counter", "Checks of the branch, by result (unchanged, changed, failed).");
	series(out, c, M_CHECKS);
	family(out, M_DEPLOYS, "counter", "Deploys, rollbacks and heals that ended, by action, result "
		"(live, failed, retry, stopped, refused) and the step that failed.");
	series(out, c, M_DEPLOYS);
	family(out, M_ROLLBACKS, "counter", "Rollbacks and heals that made the previous release live.");
	fprintf(out, M_ROLLBACKS " %lld\n", find(c, M_ROLLBACKS) ? find(c, M_ROLLBACKS)->value : 0);
	histogram(out, c);
	family(out, M_LAST, "gauge", "When the last deploy, rollback or heal of each result ended (epoch seconds).");
	series(out, c, M_LAST);
	live_info(out, st);
}

int bg_metrics_update(const bg_options *opt, const bg_state *st, const bg_ops_event *ev, bg_error *err)
{
	counters c;
	FILE *text = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	if (load(opt, &c, err) < 0) {
		goto cleanup;
	}
	count(&c, ev);
	if (!c.oom && save(opt, &c, err) < 0) {
		goto cleanup;
	}
	/* The whole text in memory first: the file is written once, atomically. */
	if (c.oom || !(text = open_memstream(&buf, &len))) {
		bg_error_set(err, BG_ERR_SYSTEM, "out of memory writing %s (metrics_file)", opt->metrics_file);
		goto cleanup;
	}
	render(text, &c, st);
	if (fclose(text) != 0 || !buf) {
		text = NULL;
		bg_error_set(err, BG_ERR_SYSTEM, "out of memory writing %s (metrics_file)", opt->metrics_file);
		goto cleanup;
	}
	text = NULL;
	if (bg_write_file_atomic(opt->metrics_file, buf, len, BG_ERR_SYSTEM, err) < 0) {
		bg_error_prefix(err, "metrics_file");
		goto cleanup;
	}
	rc = 0;

cleanup:
	if (text) {
		fclose(text);
	}
	free(buf);
	counters_free(&c);
	return rc;
}
