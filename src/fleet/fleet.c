/* A fleet's rollouts in the store: the record's JSON, and the
 * read-change-compare-and-set loops that keep it consistent while several
 * members write it at once. */
#include "fleet/fleet.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/url.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Compare-and-set tries before giving up for this tick: members race only
 * to add themselves and their results, a few writes per rollout. */
#define CAS_TRIES 16

struct bg_fleet_keepalive {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;                /* asked to end */
	int lost;                /* the lease was found gone */
	bg_store *store;         /* its own connection */
	bg_store_slot slot;
	char prefix[160];
	double ttl_s;
};

static void *keepalive_run(void *arg)
{
	bg_fleet_keepalive *k = arg;
	struct timespec until;
	double every = k->ttl_s / 3;
	bg_error e;
	int held;

	pthread_mutex_lock(&k->mu);
	while (!k->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t) every;
		until.tv_nsec += (long) ((every - (double) (time_t) every) * 1e9);
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&k->cv, &k->mu, &until) != ETIMEDOUT || k->stop) {
			continue;
		}
		pthread_mutex_unlock(&k->mu);
		/* A failed call is tried again at the next beat: the lease outlives two. */
		if (bg_store_slot_renew(k->store, k->prefix, &k->slot, k->ttl_s, &held, &e) == 0 && !held) {
			pthread_mutex_lock(&k->mu);
			k->lost = 1;
			break;
		}
		pthread_mutex_lock(&k->mu);
	}
	pthread_mutex_unlock(&k->mu);
	return NULL;
}

/* Started once a slot is taken; a failure to start it leaves the renewals
 * to the steps (bg_fleet_renew). */
static void keepalive_start(bg_fleet *f, const bg_fleet_options *o)
{
	bg_fleet_keepalive *k = calloc(1, sizeof(*k));
	bg_error e;

	if (!k || bg_store_open(o->store, "fleet.store", o->timeout, &k->store, &e) < 0) {
		free(k);
		return;
	}
	k->slot = f->slot;
	k->ttl_s = o->slot_ttl;
	snprintf(k->prefix, sizeof(k->prefix), "%s/slot", f->prefix);
	pthread_mutex_init(&k->mu, NULL);
	pthread_cond_init(&k->cv, NULL);
	if (pthread_create(&k->thread, NULL, keepalive_run, k) != 0) {
		pthread_mutex_destroy(&k->mu);
		pthread_cond_destroy(&k->cv);
		bg_store_close(k->store);
		free(k);
		return;
	}
	f->keepalive = k;
}

/* Ends the thread: at most one store call (fleet.timeout) away. */
static void keepalive_stop(bg_fleet *f)
{
	bg_fleet_keepalive *k = f->keepalive;

	if (!k) {
		return;
	}
	pthread_mutex_lock(&k->mu);
	k->stop = 1;
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
	pthread_join(k->thread, NULL);
	pthread_mutex_destroy(&k->mu);
	pthread_cond_destroy(&k->cv);
	bg_store_close(k->store);
	free(k);
	f->keepalive = NULL;
}

int bg_fleet_slot_lost(const bg_fleet *f)
{
	int lost = 0;

	if (f->keepalive) {
		pthread_mutex_lock(&f->keepalive->mu);
		lost = f->keepalive->lost;
		pthread_mutex_unlock(&f->keepalive->mu);
	}
	return lost;
}

void bg_fleet_init(bg_fleet *f)
{
	memset(f, 0, sizeof(*f));
	f->slot.index = -1;
}

void bg_fleet_free(bg_fleet *f, const bg_fleet_options *o)
{
	bg_error e;

	if (f->store && f->slot.index >= 0) {
		bg_fleet_release(f, o, &e);
	}
	keepalive_stop(f);
	bg_store_close(f->store);
	free(f->recs);
	bg_fleet_init(f);
}

bg_rollout *bg_fleet_record(bg_fleet *f, int which)
{
	if (!f->recs && !(f->recs = calloc(BG_FLEET_RECS, sizeof(*f->recs)))) {
		return NULL;
	}
	return &f->recs[which];
}

static int connect_store(bg_fleet *f, const bg_fleet_options *o, bg_error *err)
{
	if (f->store) {
		return 0;
	}
	snprintf(f->prefix, sizeof(f->prefix), "bluegreen/%s", o->name);
	return bg_store_open(o->store, "fleet.store", o->timeout, &f->store, err);
}

static void key_of(const bg_fleet *f, char *buf, size_t size, const char *what, const char *commit)
{
	snprintf(buf, size, "%s/%s%s%s", f->prefix, what, commit ? "/" : "", commit ? commit : "");
}

const bg_fleet_host *bg_fleet_host_of(const bg_rollout *ro, const char *name)
{
	int i;

	for (i = 0; i < ro->n; i++) {
		if (strcmp(ro->hosts[i].name, name) == 0) {
			return &ro->hosts[i];
		}
	}
	return NULL;
}

static bg_fleet_host *host_entry(bg_rollout *ro, const char *name)
{
	bg_fleet_host *h = (bg_fleet_host *) bg_fleet_host_of(ro, name);

	if (h || ro->n >= BG_FLEET_MAX_HOSTS) {
		return h;
	}
	h = &ro->hosts[ro->n++];
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(h->state, sizeof(h->state), "waiting");
	return h;
}

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* A failure's message as the record keeps it: its credentials masked in
 * the whole text, then, when it does not fit, its start (what failed) and
 * its end (a command's last output) each cut at a whole word and marked
 * with BG_CUT_MARK, on two lines. */
static void copy_error(char *dst, size_t size, const char *src)
{
	char *masked = bg_url_mask_dup(src ? src : "");
	const char *text = masked ? masked : "";
	size_t len = strlen(text), head, room;
	char *tail;

	if (len < size || size < 16) {
		bg_copy_words(dst, size, text);
		free(masked);
		return;
	}
	bg_copy_words(dst, size / 2, text);
	head = strlen(dst);
	room = size - head - 2;     /* the newline and the NUL */
	tail = bg_strdup(text + len - room);
	if (tail) {
		bg_cut_first_word(tail);
		snprintf(dst + head, size - head, "\n%s", tail);
		free(tail);
	}
	free(masked);
}

static int parse_rollout(const char *text, bg_rollout *ro, bg_error *err)
{
	const bg_json *hosts;
	bg_json *root;
	size_t i;

	memset(ro, 0, sizeof(*ro));
	if (bg_json_parse(text, strlen(text), "the rollout record", BG_ERR_SYSTEM, &root, err) < 0) {
		return -1;
	}
	copy_str(ro->commit, sizeof(ro->commit), bg_json_get_str(root, "commit"));
	copy_str(ro->state, sizeof(ro->state), bg_json_get_str(root, "state"));
	copy_str(ro->halted_by, sizeof(ro->halted_by), bg_json_get_str(root, "halted_by"));
	bg_json_get_int(root, "created", &ro->created);
	bg_json_get_int(root, "soak_ms", &ro->soak_ms);
	bg_json_get_int(root, "soak_until", &ro->soak_until);
	{
		long long c = 0;

		bg_json_get_int(root, "canary", &c);
		ro->canary = (long) c;
	}
	{
		long long p = 1;

		bg_json_get_int(root, "parallel", &p);
		ro->parallel = (long) p;
	}
	hosts = bg_json_get(root, "hosts");
	for (i = 0; i < bg_json_len(hosts) && ro->n < BG_FLEET_MAX_HOSTS; i++) {
		const bg_json *h = bg_json_at(hosts, i);
		bg_fleet_host *e = &ro->hosts[ro->n++];

		copy_str(e->name, sizeof(e->name), h->key);
		copy_str(e->state, sizeof(e->state), bg_json_get_str(h, "state"));
		copy_error(e->error, sizeof(e->error), bg_json_get_str(h, "error"));
		copy_str(e->to, sizeof(e->to), bg_json_get_str(h, "to"));
		bg_json_get_int(h, "token", &e->token);
		bg_json_get_int(h, "switch_start", &e->switch_start);
		bg_json_get_int(h, "switch_end", &e->switch_end);
		bg_json_get_bool(h, "canary", &e->canary);
	}
	bg_json_free(root);
	return 0;
}

static char *write_rollout(const bg_rollout *ro)
{
	bg_json_writer w;
	char *out;
	size_t len;
	int i;

	bg_jw_init(&w);
	bg_jw_object_begin(&w);
	bg_jw_key(&w, "commit");
	bg_jw_string(&w, ro->commit);
	bg_jw_key(&w, "parallel");
	bg_jw_int(&w, ro->parallel);
	bg_jw_key(&w, "state");
	bg_jw_string(&w, ro->state);
	bg_jw_key(&w, "halted_by");
	bg_jw_string(&w, ro->halted_by[0] ? ro->halted_by : NULL);
	bg_jw_key(&w, "created");
	bg_jw_int(&w, ro->created);
	bg_jw_key(&w, "canary");
	bg_jw_int(&w, ro->canary);
	bg_jw_key(&w, "soak_ms");
	bg_jw_int(&w, ro->soak_ms);
	bg_jw_key(&w, "soak_until");
	bg_jw_int(&w, ro->soak_until);
	bg_jw_key(&w, "hosts");
	bg_jw_object_begin(&w);
	for (i = 0; i < ro->n; i++) {
		const bg_fleet_host *h = &ro->hosts[i];

		bg_jw_key(&w, h->name);
		bg_jw_object_begin(&w);
		bg_jw_key(&w, "state");
		bg_jw_string(&w, h->state);
		bg_jw_key(&w, "token");
		bg_jw_int(&w, h->token);
		bg_jw_key(&w, "switch_start");
		bg_jw_int(&w, h->switch_start);
		bg_jw_key(&w, "switch_end");
		bg_jw_int(&w, h->switch_end);
		bg_jw_key(&w, "error");
		bg_jw_string(&w, h->error[0] ? h->error : NULL);
		bg_jw_key(&w, "to");
		bg_jw_string(&w, h->to[0] ? h->to : NULL);
		bg_jw_key(&w, "canary");
		bg_jw_bool(&w, h->canary);
		bg_jw_object_end(&w);
	}
	bg_jw_object_end(&w);
	bg_jw_object_end(&w);
	return bg_jw_finish(&w, &out, &len) == 0 ? out : NULL;
}

/* The record of commit and its version; *exists 0 when there is none. */
static int read_rollout(bg_fleet *f, const char *commit, bg_rollout *ro, long long *version, int *exists,
	bg_error *err)
{
	char key[256], *text;

	key_of(f, key, sizeof(key), "rollout", commit);
	if (bg_store_get(f->store, key, &text, version, err) < 0) {
		return -1;
	}
	*exists = text != NULL;
	if (!text) {
		memset(ro, 0, sizeof(*ro));
		return 0;
	}
	if (parse_rollout(text, ro, err) < 0) {
		free(text);
		return bg_error_prefix(err, "the fleet's store (%s at %s), %s", bg_store_kind(f->store),
			bg_store_where(f->store), key);
	}
	free(text);
	return 0;
}

/* Writes ro over the version read (created when it did not exist), fenced
 * by the slot when `fenced_write`: *done 0 when someone wrote first. */
static int write_back(bg_fleet *f, const bg_rollout *ro, long long version, int exists, int fenced_write,
	int *done, bg_error *err)
{
	char key[256], *text = write_rollout(ro);
	int fenced = 0, rc;

	if (!text) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	key_of(f, key, sizeof(key), "rollout", ro->commit);
	if (!exists) {
		rc = bg_store_create(f->store, key, text, done, err);
		if (rc == 0 && *done) {
			key_of(f, key, sizeof(key), "current", NULL);
			rc = bg_store_put(f->store, key, ro->commit, err);
		}
	} else {
		char slots[160];

		key_of(f, slots, sizeof(slots), "slot", NULL);
		rc = bg_store_cas(f->store, key, version, text, slots, fenced_write ? &f->slot : NULL, done, &fenced, err);
		if (rc == 0 && fenced) {
			rc = bg_error_set(err, BG_ERR_SYSTEM, "the fleet's store (%s at %s): this member's slot grant "
				"(token %lld) no longer holds its slot (its lease ran out): its result is not written",
				bg_store_kind(f->store), bg_store_where(f->store), f->slot.token);
		}
	}
	free(text);
	return rc;
}

static void new_rollout(bg_rollout *ro, const bg_fleet_options *o, const char *commit)
{
	memset(ro, 0, sizeof(*ro));
	copy_str(ro->commit, sizeof(ro->commit), commit);
	ro->parallel = o->parallel;
	ro->canary = o->canary_hosts;
	ro->soak_ms = (long long) (o->canary_soak * 1000);
	snprintf(ro->state, sizeof(ro->state), "%s", ro->canary > 0 ? "canary" : "rolling");
	ro->created = (long long) time(NULL);
}

static int too_busy(bg_fleet *f, const char *commit, bg_error *err)
{
	return bg_error_set(err, BG_ERR_SYSTEM, "the fleet's store (%s at %s): the rollout of %.12s changed under "
		"each of %d writes; trying again next tick", bg_store_kind(f->store), bg_store_where(f->store), commit,
		CAS_TRIES);
}

int bg_fleet_join(bg_fleet *f, const bg_fleet_options *o, const char *commit, bg_rollout *out, bg_error *err)
{
	long long version;
	int exists, done, i;

	if (connect_store(f, o, err) < 0) {
		return -1;
	}
	for (i = 0; i < CAS_TRIES; i++) {
		if (read_rollout(f, commit, out, &version, &exists, err) < 0) {
			return -1;
		}
		if (exists && bg_fleet_host_of(out, o->host)) {
			return 0;
		}
		if (!exists) {
			new_rollout(out, o, commit);
		}
		if (!host_entry(out, o->host)) {
			return bg_error_set(err, BG_ERR_SYSTEM, "the fleet's rollout of %.12s lists %d members already, "
				"the most it holds", commit, BG_FLEET_MAX_HOSTS);
		}
		if (write_back(f, out, version, exists, 0, &done, err) < 0) {
			return -1;
		}
		if (done) {
			return 0;
		}
	}
	return too_busy(f, commit, err);
}

int bg_fleet_take_slot(bg_fleet *f, const bg_fleet_options *o, int *got, int *paused, bg_error *err)
{
	char prefix[160], gate[160];

	*got = 0;
	*paused = 0;
	if (connect_store(f, o, err) < 0) {
		return -1;
	}
	if (f->slot.index >= 0) {
		*got = 1;
		return 0;
	}
	key_of(f, prefix, sizeof(prefix), "slot", NULL);
	key_of(f, gate, sizeof(gate), "paused", NULL);
	if (bg_store_slot_acquire(f->store, prefix, (int) o->parallel, gate, o->host, o->slot_ttl, &f->slot, got, paused,
		err) < 0) {
		return -1;
	}
	if (*got) {
		keepalive_start(f, o);
	}
	return 0;
}

int bg_fleet_renew(bg_fleet *f, const bg_fleet_options *o, int *held, bg_error *err)
{
	char prefix[160];

	*held = 0;
	if (!f->store || f->slot.index < 0) {
		return 0;
	}
	key_of(f, prefix, sizeof(prefix), "slot", NULL);
	return bg_store_slot_renew(f->store, prefix, &f->slot, o->slot_ttl, held, err);
}

int bg_fleet_release(bg_fleet *f, const bg_fleet_options *o, bg_error *err)
{
	char prefix[160];
	int rc;

	(void) o;
	keepalive_stop(f);
	if (!f->store || f->slot.index < 0) {
		return 0;
	}
	key_of(f, prefix, sizeof(prefix), "slot", NULL);
	rc = bg_store_slot_release(f->store, prefix, &f->slot, err);
	memset(&f->slot, 0, sizeof(f->slot));
	f->slot.index = -1;
	return rc;
}

/* The rollout ends when every member listed is done. */
static int all_done(const bg_rollout *ro)
{
	int i;

	for (i = 0; i < ro->n; i++) {
		if (strcmp(ro->hosts[i].state, "done") != 0) {
			return 0;
		}
	}
	return ro->n > 0;
}

/* The canaries that are done: the rollout leaves its canary phase when
 * they are as many as it asked for. */
static long canaries_done(const bg_rollout *ro)
{
	long n = 0;
	int i;

	for (i = 0; i < ro->n; i++) {
		n += ro->hosts[i].canary && strcmp(ro->hosts[i].state, "done") == 0;
	}
	return n;
}

/* end_ms: when the switch ended, for a result written later than that;
 * 0: now. */
static void apply_result(bg_rollout *ro, bg_fleet_host *h, const bg_fleet *f, const char *result, const char *error,
	const char *to, long long end_ms)
{
	copy_str(h->state, sizeof(h->state), result);
	copy_str(h->to, sizeof(h->to), to);
	if (f->slot.index >= 0) {
		h->token = f->slot.token;
	}
	if (strcmp(result, "converging") == 0) {
		return;     /* no switch of this commit: its times stay as they were */
	}
	if (strcmp(result, "switching") == 0) {
		h->switch_start = bg_epoch_ms();
		h->switch_end = 0;
		h->error[0] = '\0';
	} else if (strcmp(result, "stayed") != 0) {   /* staying keeps its switch's times */
		h->switch_end = end_ms ? end_ms : bg_epoch_ms();
	}
	if (strcmp(result, "failed") == 0) {
		copy_error(h->error, sizeof(h->error), error);
		snprintf(ro->state, sizeof(ro->state), "halted");
		copy_str(ro->halted_by, sizeof(ro->halted_by), h->name);
	} else if ((strcmp(ro->state, "rolling") == 0 || strcmp(ro->state, "canary") == 0) && all_done(ro)) {
		snprintf(ro->state, sizeof(ro->state), "done");
	} else if (strcmp(ro->state, "canary") == 0 && canaries_done(ro) >= ro->canary) {
		snprintf(ro->state, sizeof(ro->state), "rolling");
		ro->soak_until = bg_epoch_ms() + ro->soak_ms;
	}
}

/* "<prefix>/paused" holds "1" while an operator paused the fleet. */
static int read_paused(bg_fleet *f, int *paused, bg_error *err)
{
	char key[256], *text;
	long long version;

	key_of(f, key, sizeof(key), "paused", NULL);
	if (bg_store_get(f->store, key, &text, &version, err) < 0) {
		return -1;
	}
	*paused = text && strcmp(text, "1") == 0;
	free(text);
	return 0;
}

/* The same text at every tick of the wait (a time, not a countdown): the
 * caller logs a wait once, when its text changes. */
static void soak_end(char *why, size_t size, long long until_ms)
{
	time_t t = (time_t) (until_ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(why, size, "the canaries are done; the others switch after their soak, at %02d:%02d:%02d.%03d UTC",
		tm.tm_hour, tm.tm_min, tm.tm_sec, (int) (until_ms % 1000));
}

int bg_fleet_may_switch(bg_fleet *f, const bg_fleet_options *o, const char *commit, int *may, char *why,
	size_t size, bg_error *err)
{
	long long version, now;
	int exists, done, i, j, paused;
	long claimed;
	bg_rollout *ro = bg_fleet_record(f, BG_FLEET_REC_OWN);
	bg_fleet_host *h;

	*may = 0;
	if (!ro) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	if (connect_store(f, o, err) < 0 || read_paused(f, &paused, err) < 0) {
		return -1;
	}
	if (paused) {
		snprintf(why, size, BG_FLEET_PAUSED);
		return 0;
	}
	for (i = 0; i < CAS_TRIES; i++) {
		if (read_rollout(f, commit, ro, &version, &exists, err) < 0) {
			return -1;
		}
		if (!exists || !(h = host_entry(ro, o->host))) {
			*may = 1;   /* bg_fleet_join made it; only a store emptied since sees this */
			return 0;
		}
		if (strcmp(ro->state, "canary") != 0) {
			now = bg_epoch_ms();
			if (ro->soak_until > now) {
				soak_end(why, size, ro->soak_until);
				return 0;
			}
			*may = 1;
			return 0;
		}
		if (h->canary) {
			*may = 1;
			return 0;
		}
		for (claimed = 0, j = 0; j < ro->n; j++) {
			claimed += ro->hosts[j].canary;
		}
		if (claimed >= ro->canary) {
			snprintf(why, size, "the %ld canary host(s) switch first", ro->canary);
			return 0;
		}
		h->canary = 1;
		if (write_back(f, ro, version, 1, 0, &done, err) < 0) {
			return -1;
		}
		if (done) {
			*may = 1;
			return 0;
		}
	}
	return too_busy(f, commit, err);
}

/* The rollout that made commit `done` names it the fleet's last done
 * commit, where members that were away converge (bg_fleet_last_done). */
static int note_done(bg_fleet *f, const char *commit, bg_error *err)
{
	char key[256];

	key_of(f, key, sizeof(key), "done", NULL);
	return bg_store_put(f->store, key, commit, err);
}

static int report(bg_fleet *f, const bg_fleet_options *o, const char *commit, const char *result,
	const char *error, const char *to, long long end_ms, bg_rollout *out, bg_error *err)
{
	char was[16];

	/* A failure halts the rollout even from a member that lost its slot:
	 * halting is the safe direction. */
	int fenced_write = strcmp(result, "failed") != 0 && f->slot.index >= 0;
	long long version;
	int exists, done, i;
	bg_fleet_host *h;

	if (connect_store(f, o, err) < 0) {
		return -1;
	}
	for (i = 0; i < CAS_TRIES; i++) {
		if (read_rollout(f, commit, out, &version, &exists, err) < 0) {
			return -1;
		}
		if (!exists) {
			new_rollout(out, o, commit);
		}
		if (!(h = host_entry(out, o->host))) {
			return bg_error_set(err, BG_ERR_SYSTEM, "the fleet's rollout of %.12s lists %d members already, "
				"the most it holds", commit, BG_FLEET_MAX_HOSTS);
		}
		/* A newer grant wrote here already: this one is stale. */
		if (fenced_write && h->token > f->slot.token) {
			return bg_error_set(err, BG_ERR_SYSTEM, "the fleet's rollout of %.12s holds a result of a newer "
				"slot grant (token %lld) than this member's (%lld): its result is not written", commit,
				h->token, f->slot.token);
		}
		copy_str(was, sizeof(was), out->state);
		apply_result(out, h, f, result, error, to, end_ms);
		if (write_back(f, out, version, exists, fenced_write, &done, err) < 0) {
			return -1;
		}
		if (done) {
			return strcmp(out->state, "done") == 0 && strcmp(was, "done") != 0 ? note_done(f, commit, err) : 0;
		}
	}
	return too_busy(f, commit, err);
}

int bg_fleet_report(bg_fleet *f, const bg_fleet_options *o, const char *commit, const char *result,
	const char *error, bg_rollout *out, bg_error *err)
{
	return report(f, o, commit, result, error, NULL, 0, out, err);
}

int bg_fleet_report_late(bg_fleet *f, const bg_fleet_options *o, const char *commit, long long end_ms,
	bg_rollout *out, bg_error *err)
{
	return report(f, o, commit, "done", NULL, NULL, end_ms, out, err);
}

int bg_fleet_converging(bg_fleet *f, const bg_fleet_options *o, const char *commit, const char *to, bg_rollout *out,
	bg_error *err)
{
	return report(f, o, commit, "converging", NULL, to, 0, out, err);
}

int bg_fleet_read(bg_fleet *f, const bg_fleet_options *o, const char *commit, bg_rollout *out, int *exists,
	bg_error *err)
{
	long long version;

	if (connect_store(f, o, err) < 0) {
		return -1;
	}
	return read_rollout(f, commit, out, &version, exists, err);
}

int bg_fleet_last_done(bg_fleet *f, const bg_fleet_options *o, char commit[41], bg_error *err)
{
	char key[256], *text;
	long long version;

	commit[0] = '\0';
	if (connect_store(f, o, err) < 0) {
		return -1;
	}
	key_of(f, key, sizeof(key), "done", NULL);
	if (bg_store_get(f->store, key, &text, &version, err) < 0) {
		return -1;
	}
	if (text && strlen(text) == 40) {
		memcpy(commit, text, 41);
	}
	free(text);
	return 0;
}

int bg_fleet_set_paused(bg_fleet *f, const bg_fleet_options *o, int paused, bg_error *err)
{
	char key[256];

	if (connect_store(f, o, err) < 0) {
		return -1;
	}
	key_of(f, key, sizeof(key), "paused", NULL);
	return bg_store_put(f->store, key, paused ? "1" : "0", err);
}

int bg_fleet_abort(bg_fleet *f, const bg_fleet_options *o, char commit[41], bg_error *err)
{
	char key[256], *cur;
	long long version;
	bg_rollout *ro = bg_fleet_record(f, BG_FLEET_REC_OWN);
	int exists, done, i;

	commit[0] = '\0';
	if (!ro) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	if (connect_store(f, o, err) < 0) {
		return -1;
	}
	key_of(f, key, sizeof(key), "current", NULL);
	if (bg_store_get(f->store, key, &cur, &version, err) < 0) {
		return -1;
	}
	if (!cur || strlen(cur) != 40) {
		free(cur);
		return bg_error_set(err, BG_ERR_CONFIG, "the fleet %s has no rollout to abort", o->name);
	}
	memcpy(commit, cur, 41);
	free(cur);
	for (i = 0; i < CAS_TRIES; i++) {
		if (read_rollout(f, commit, ro, &version, &exists, err) < 0) {
			return -1;
		}
		if (!exists || (strcmp(ro->state, "rolling") != 0 && strcmp(ro->state, "canary") != 0)) {
			return bg_error_set(err, BG_ERR_CONFIG, "the fleet %s's rollout of %.12s is %s: only a rolling one "
				"(or in its canary) can be aborted", o->name, commit, exists ? ro->state : "gone");
		}
		snprintf(ro->state, sizeof(ro->state), "halted");
		snprintf(ro->halted_by, sizeof(ro->halted_by), "%s", BG_FLEET_OPERATOR);
		if (write_back(f, ro, version, 1, 0, &done, err) < 0) {
			return -1;
		}
		if (done) {
			return 0;
		}
	}
	return too_busy(f, commit, err);
}

static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; (p = strstr(p, word)); p += n) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) {
			return 1;
		}
	}
	return 0;
}

/* "<prefix>/members": the names of every member that ever wrote a
 * heartbeat, space-separated; a member adds itself once (compare-and-set). */
static int add_member(bg_fleet *f, const bg_fleet_options *o, bg_error *err)
{
	char key[256], *text, *next;
	long long version;
	int i, done, exists, fenced;
	size_t n;

	key_of(f, key, sizeof(key), "members", NULL);
	for (i = 0; i < CAS_TRIES; i++) {
		if (bg_store_get(f->store, key, &text, &version, err) < 0) {
			return -1;
		}
		exists = text != NULL;
		if (exists && has_word(text, o->host)) {
			free(text);
			return 0;
		}
		n = (text ? strlen(text) + 1 : 0) + strlen(o->host) + 1;
		if (!(next = malloc(n))) {
			free(text);
			return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
		}
		snprintf(next, n, "%s%s%s", text ? text : "", text ? " " : "", o->host);
		free(text);
		if (exists) {
			fenced = 0;
			if (bg_store_cas(f->store, key, version, next, NULL, NULL, &done, &fenced, err) < 0) {
				free(next);
				return -1;
			}
		} else if (bg_store_create(f->store, key, next, &done, err) < 0) {
			free(next);
			return -1;
		}
		free(next);
		if (done) {
			return 0;
		}
	}
	return bg_error_set(err, BG_ERR_SYSTEM, "the fleet's store: its member list changed under each of %d writes",
		CAS_TRIES);
}

int bg_fleet_heartbeat(bg_fleet *f, const bg_fleet_options *o, const char *live, const char *state, bg_error *err)
{
	bg_json_writer w;
	char key[256], *text;
	size_t len;
	int rc;

	if (connect_store(f, o, err) < 0) {
		return -1;
	}
	if (!f->member && add_member(f, o, err) < 0) {
		return -1;
	}
	f->member = 1;
	bg_jw_init(&w);
	bg_jw_object_begin(&w);
	bg_jw_key(&w, "commit");
	bg_jw_string(&w, live && live[0] ? live : NULL);
	bg_jw_key(&w, "state");
	bg_jw_string(&w, state);
	bg_jw_key(&w, "heartbeat");
	bg_jw_int(&w, bg_epoch_ms());
	bg_jw_object_end(&w);
	if (bg_jw_finish(&w, &text, &len) < 0) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	key_of(f, key, sizeof(key), "host", o->host);
	rc = bg_store_put(f->store, key, text, err);
	free(text);
	return rc;
}

/* Every member's last heartbeat, for status(). */
static int read_members(bg_fleet *f, bg_fleet_view *v, bg_error *err)
{
	char key[256], *names, *text, *save = NULL, *name;
	long long version;
	bg_json *root;

	key_of(f, key, sizeof(key), "members", NULL);
	if (bg_store_get(f->store, key, &names, &version, err) < 0) {
		return -1;
	}
	for (name = names ? strtok_r(names, " ", &save) : NULL; name && v->n_members < BG_FLEET_MAX_HOSTS;
		name = strtok_r(NULL, " ", &save)) {
		bg_fleet_member *m = &v->members[v->n_members];

		key_of(f, key, sizeof(key), "host", name);
		if (bg_store_get(f->store, key, &text, &version, err) < 0) {
			free(names);
			return -1;
		}
		if (!text) {
			continue;
		}
		memset(m, 0, sizeof(*m));
		copy_str(m->name, sizeof(m->name), name);
		if (bg_json_parse(text, strlen(text), "a member's heartbeat", BG_ERR_SYSTEM, &root, err) == 0) {
			copy_str(m->commit, sizeof(m->commit), bg_json_get_str(root, "commit"));
			copy_str(m->state, sizeof(m->state), bg_json_get_str(root, "state"));
			bg_json_get_int(root, "heartbeat", &m->heartbeat);
			bg_json_free(root);
			v->n_members++;
		}
		bg_error_clear(err);
		free(text);
	}
	free(names);
	return 0;
}

int bg_fleet_view_read(bg_fleet *f, const bg_fleet_options *o, bg_fleet_view *v, bg_error *err)
{
	char key[256], prefix[160], *commit;
	long long version;
	int exists = 0;

	memset(v, 0, sizeof(*v));
	if (connect_store(f, o, err) < 0) {
		return -1;
	}
	key_of(f, key, sizeof(key), "current", NULL);
	if (bg_store_get(f->store, key, &commit, &version, err) < 0) {
		return -1;
	}
	if (commit && strlen(commit) == 40 && read_rollout(f, commit, &v->rollout, &version, &exists, err) < 0) {
		free(commit);
		return -1;
	}
	free(commit);
	v->has_rollout = exists;
	if (read_paused(f, &v->paused, err) < 0 || read_members(f, v, err) < 0) {
		return -1;
	}
	v->n_slots = (int) o->parallel;
	key_of(f, prefix, sizeof(prefix), "slot", NULL);
	return bg_store_slot_holders(f->store, prefix, v->n_slots, &v->slots, err);
}

void bg_fleet_view_free(bg_fleet_view *v)
{
	bg_store_holders_free(v->slots, v->n_slots);
	memset(v, 0, sizeof(*v));
}
