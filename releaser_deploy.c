/* BlueGreen\Releaser's pipeline methods: deploy(), tick(), rollback(),
 * status(), run(), wake(), woken() and fleetControl(). Each calls one core function (src/pipeline/releaser.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "php_bluegreen.h"
#include "ext/json/php_json.h"

/* A released Release or null. */
static void return_release(zval *return_value, bg_release *rel, int deployed)
{
	if (deployed) {
		php_bluegreen_release_new(return_value, rel);
		bg_release_free(rel);
	} else {
		RETVAL_NULL();
	}
}

ZEND_METHOD(BlueGreen_Releaser, deploy)
{
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);
	char *commit = NULL;
	size_t len;
	bg_release rel;
	bg_error err;
	int deployed;

	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_PATH_OR_NULL(commit, len)
	ZEND_PARSE_PARAMETERS_END();

	bg_error_clear(&err);
	if (bg_releaser_deploy(&r->core, commit, &rel, &deployed, &err) < 0) {
		php_bluegreen_throw(&err);
		RETURN_THROWS();
	}
	return_release(return_value, &rel, deployed);
}

ZEND_METHOD(BlueGreen_Releaser, tick)
{
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);
	bg_release rel;
	int deployed;

	ZEND_PARSE_PARAMETERS_NONE();

	bg_releaser_tick(&r->core, &rel, &deployed);
	return_release(return_value, &rel, deployed);
}

ZEND_METHOD(BlueGreen_Releaser, rollback)
{
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);
	bg_release rel;
	bg_error err;

	ZEND_PARSE_PARAMETERS_NONE();

	bg_error_clear(&err);
	if (bg_releaser_rollback(&r->core, &rel, &err) < 0) {
		php_bluegreen_throw(&err);
		RETURN_THROWS();
	}
	return_release(return_value, &rel, 1);
}

ZEND_METHOD(BlueGreen_Releaser, run)
{
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);
	zend_long interval = 30;
	bg_error err;

	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(interval)
	ZEND_PARSE_PARAMETERS_END();

	if (interval < 1 || interval > 86400) {
		zend_argument_value_error(1, "must be between 1 and 86400 (seconds)");
		RETURN_THROWS();
	}
	bg_error_clear(&err);
	if (bg_releaser_run(&r->core, (int) interval, &err) < 0) {
		php_bluegreen_throw(&err);
		RETURN_THROWS();
	}
}

ZEND_METHOD(BlueGreen_Releaser, wake)
{
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);
	bg_error err;

	ZEND_PARSE_PARAMETERS_NONE();

	bg_error_clear(&err);
	if (bg_releaser_wake(&r->core, &err) < 0) {
		php_bluegreen_throw(&err);
		RETURN_THROWS();
	}
}

ZEND_METHOD(BlueGreen_Releaser, woken)
{
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_NONE();

	RETURN_BOOL(bg_releaser_woken(&r->core));
}

/* --- status() ------------------------------------------------------------------ */

static void add_opt_str(zval *arr, const char *key, const char *s)
{
	if (s && *s) {
		add_assoc_string(arr, key, (char *) s);
	} else {
		add_assoc_null(arr, key);
	}
}

static void add_opt_long(zval *arr, const char *key, zend_long v)
{
	if (v) {
		add_assoc_long(arr, key, v);
	} else {
		add_assoc_null(arr, key);
	}
}

/* ['commit', 'path', 'port', 'created_at'] (+ 'since'), or null. */
static void add_release(zval *arr, const char *key, const bg_release *rel, int set, long long since)
{
	zval r;

	if (!set) {
		add_assoc_null(arr, key);
		return;
	}
	array_init(&r);
	add_opt_str(&r, "commit", rel->commit);
	add_opt_str(&r, "path", rel->path);
	add_opt_long(&r, "port", rel->port);
	add_opt_long(&r, "since", since);
	add_assoc_zval(arr, key, &r);
}

static void failure_array(zval *out, const bg_state_failure *f)
{
	array_init(out);
	add_opt_str(out, "commit", f->commit);
	add_opt_str(out, "step", f->step);
	add_opt_str(out, "error", f->error);
	add_assoc_long(out, "at", f->at);
}

static void add_ports(zval *arr, const bg_status *st)
{
	zval ports, listening;
	int i;

	if (!st->have_ports) {
		add_assoc_null(arr, "ports");
		add_assoc_string(arr, "ports_error", (char *) st->ports_error);
		return;
	}
	array_init(&ports);
	add_opt_long(&ports, "active", st->ports.active);
	add_assoc_long(&ports, "idle", st->ports.idle);
	array_init(&listening);
	for (i = 0; i < st->ports.n_listening; i++) {
		add_next_index_long(&listening, st->ports.listening[i]);
	}
	add_assoc_zval(&ports, "listening", &listening);
	add_assoc_zval(arr, "ports", &ports);
}

static void add_deploy(zval *arr, const bg_status *st)
{
	const bg_state_deploy *d = &st->state.deploy;
	zval dz;

	if (!d->set) {
		add_assoc_null(arr, "deploying");
		return;
	}
	array_init(&dz);
	add_opt_str(&dz, "commit", d->rel.commit);
	add_opt_str(&dz, "path", d->rel.path);
	add_opt_long(&dz, "port", d->rel.port);
	add_assoc_string(&dz, "step", (char *) d->step);
	add_assoc_long(&dz, "started", d->started);
	add_assoc_long(&dz, "pid", d->pid);
	add_assoc_bool(&dz, "running", st->deploy_running);
	add_assoc_zval(arr, "deploying", &dz);
}

/* A deploy the environment failed, waiting to be tried again: ['commit',
 * 'step', 'reason', 'attempts', 'retry_after'], or null. */
static void add_retry(zval *arr, const bg_state_retry *r)
{
	zval rz;

	if (!r->reason) {
		add_assoc_null(arr, "retry");
		return;
	}
	array_init(&rz);
	add_opt_str(&rz, "commit", r->commit);
	add_opt_str(&rz, "step", r->step);
	add_assoc_string(&rz, "reason", r->reason);
	add_assoc_long(&rz, "attempts", r->attempts);
	add_assoc_long(&rz, "retry_after", r->after);
	add_assoc_zval(arr, "retry", &rz);
}

/* live.healthy: the port nginx points to answers its health check now (null
 * when nginx's config cannot be read); live.unhealthy_since: since when
 * tick() has found it failing, and live.health_error what it got. */
static void add_live_health(zval *arr, const bg_status *st)
{
	zval *live = zend_hash_str_find(Z_ARRVAL_P(arr), "live", sizeof("live") - 1);
	const bg_state *s = &st->state;

	if (!live || Z_TYPE_P(live) != IS_ARRAY) {
		return;
	}
	if (st->live_probed) {
		add_assoc_bool(live, "healthy", st->live_healthy);
	} else {
		add_assoc_null(live, "healthy");
	}
	add_opt_long(live, "unhealthy_since", st->live_healthy ? 0 : s->unhealthy_since);
	add_opt_str(live, "health_error", st->live_healthy ? NULL : s->unhealthy_why);
}

/* History lines as arrays, oldest first; a line that does not decode (a
 * hand-edit) is left out. */
static void history_array(zval *out, char **lines, size_t n)
{
	zval entry;
	size_t i;

	array_init(out);
	for (i = 0; i < n; i++) {
		if (php_json_decode_ex(&entry, lines[i], strlen(lines[i]), PHP_JSON_OBJECT_AS_ARRAY, 16) == SUCCESS
			&& Z_TYPE(entry) == IS_ARRAY) {
			add_next_index_zval(out, &entry);
		} else {
			zval_ptr_dtor(&entry);
		}
	}
}

/* A fleet member's view: the newest rollout (its commit, state, who halted
 * it, each member's result), how many members are done and failed, and
 * what each slot holds; or, when the store did not answer, 'error'. */
static void add_fleet_rollout(zval *arr, const bg_rollout *ro)
{
	zval rz, hosts, h;
	zend_long done = 0, failed = 0;
	int i;

	array_init(&rz);
	add_assoc_string(&rz, "commit", (char *) ro->commit);
	add_assoc_string(&rz, "state", (char *) ro->state);
	add_opt_str(&rz, "halted_by", ro->halted_by);
	add_assoc_long(&rz, "parallel", ro->parallel);
	add_assoc_long(&rz, "canary", ro->canary);
	add_opt_long(&rz, "soak_until", ro->soak_until);
	array_init(&hosts);
	for (i = 0; i < ro->n; i++) {
		const bg_fleet_host *e = &ro->hosts[i];

		array_init(&h);
		add_assoc_string(&h, "state", (char *) e->state);
		add_opt_long(&h, "token", e->token);
		add_opt_long(&h, "switch_start", e->switch_start);
		add_opt_long(&h, "switch_end", e->switch_end);
		add_opt_str(&h, "error", e->error);
		add_opt_str(&h, "to", e->to);
		add_assoc_bool(&h, "canary", e->canary);
		add_assoc_zval(&hosts, e->name, &h);
		done += strcmp(e->state, "done") == 0;
		failed += strcmp(e->state, "failed") == 0;
	}
	add_assoc_zval(&rz, "hosts", &hosts);
	add_assoc_long(&rz, "done", done);
	add_assoc_long(&rz, "failed", failed);
	add_assoc_zval(arr, "rollout", &rz);
}

/* Each member's last heartbeat: its live commit, what its tick did, when. */
static void add_fleet_members(zval *arr, const bg_fleet_view *v)
{
	zval hosts, h;
	int i;

	array_init(&hosts);
	for (i = 0; i < v->n_members; i++) {
		array_init(&h);
		add_opt_str(&h, "commit", v->members[i].commit);
		add_assoc_string(&h, "state", (char *) v->members[i].state);
		add_opt_long(&h, "heartbeat", v->members[i].heartbeat);
		add_assoc_zval(&hosts, v->members[i].name, &h);
	}
	add_assoc_zval(arr, "hosts", &hosts);
}

static void add_fleet(zval *arr, const bg_status *st)
{
	zval fz, slots, slot;
	int i;

	if (!st->fleet_read && !st->fleet_error[0]) {
		return;     /* not a fleet member: no 'fleet' key */
	}
	array_init(&fz);
	if (!st->fleet_read) {
		add_assoc_null(&fz, "rollout");
		add_assoc_null(&fz, "slots");
		add_assoc_string(&fz, "error", (char *) st->fleet_error);
		add_assoc_zval(arr, "fleet", &fz);
		return;
	}
	add_assoc_bool(&fz, "paused", st->fleet.paused);
	add_fleet_members(&fz, &st->fleet);
	if (st->fleet.has_rollout) {
		add_fleet_rollout(&fz, &st->fleet.rollout);
	} else {
		add_assoc_null(&fz, "rollout");
	}
	array_init(&slots);
	for (i = 0; i < st->fleet.n_slots; i++) {
		const char *v = st->fleet.slots[i], *space = v ? strchr(v, ' ') : NULL;

		if (!space) {
			add_next_index_null(&slots);
			continue;
		}
		array_init(&slot);
		add_assoc_string(&slot, "holder", (char *) space + 1);
		add_assoc_long(&slot, "token", ZEND_STRTOL(v, NULL, 10));
		add_next_index_zval(&slots, &slot);
	}
	add_assoc_zval(&fz, "slots", &slots);
	add_assoc_null(&fz, "error");
	add_assoc_zval(arr, "fleet", &fz);
}

/* How the switch is made; in socket mode, the symlink nginx names and the
 * socket of each port of the pair. */
static void add_switch(zval *arr, const bg_options *opt)
{
	zval sw, sockets;

	array_init(&sw);
	add_assoc_string(&sw, "kind", bg_options_socket_switch(opt) ? "socket" : "reload");
	if (bg_options_socket_switch(opt)) {
		add_assoc_string(&sw, "live_socket", opt->live_socket);
		array_init(&sockets);
		add_index_string(&sockets, opt->ports[0], opt->sockets[0]);
		add_index_string(&sockets, opt->ports[1], opt->sockets[1]);
		add_assoc_zval(&sw, "sockets", &sockets);
	}
	add_assoc_zval(arr, "switch", &sw);
}

static void status_array(zval *out, const bg_status *st)
{
	const bg_state *s = &st->state;
	zval check, err, failed, f;
	size_t i;

	array_init(out);
	add_release(out, "live", &s->live.rel, s->live.set, s->live.since);
	add_live_health(out, st);
	add_release(out, "previous", &s->previous.rel, s->previous.set, s->previous.since);
	add_ports(out, st);
	add_deploy(out, st);
	array_init(&check);
	add_opt_long(&check, "at", s->checked_at);
	add_opt_str(&check, "head", s->checked_head);
	add_assoc_zval(out, "last_check", &check);
	if (s->last_error.error) {
		failure_array(&err, &s->last_error);
		add_assoc_zval(out, "last_error", &err);
	} else {
		add_assoc_null(out, "last_error");
	}
	array_init(&failed);
	for (i = 0; i < s->n_failed; i++) {
		failure_array(&f, &s->failed[i]);
		add_next_index_zval(&failed, &f);
	}
	add_assoc_zval(out, "failed", &failed);
	add_opt_long(out, "lock_holder", st->lock_holder);
	add_opt_long(out, "stop_pending", s->stop_pending_port);
	add_retry(out, &s->retry);
	history_array(&f, st->history, st->n_history);
	add_assoc_zval(out, "history", &f);
	add_fleet(out, st);
}

ZEND_METHOD(BlueGreen_Releaser, history)
{
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);
	zend_long limit = 20;
	char **lines = NULL;
	size_t n = 0;
	bg_error err;

	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(limit)
	ZEND_PARSE_PARAMETERS_END();

	if (limit < 1 || limit > 100000) {
		zend_argument_value_error(1, "must be between 1 and 100000");
		RETURN_THROWS();
	}
	bg_error_clear(&err);
	if (bg_releaser_history(&r->core, (size_t) limit, &lines, &n, &err) < 0) {
		php_bluegreen_throw(&err);
		RETURN_THROWS();
	}
	history_array(return_value, lines, n);
	bg_releaser_history_free(lines, n);
}

ZEND_METHOD(BlueGreen_Releaser, fleetControl)
{
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);
	char *command, done[BG_ERROR_MSG_MAX];
	size_t len;
	bg_error err;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_PATH(command, len)
	ZEND_PARSE_PARAMETERS_END();

	bg_error_clear(&err);
	if (bg_releaser_fleet_control(&r->core, command, done, sizeof(done), &err) < 0) {
		php_bluegreen_throw(&err);
		RETURN_THROWS();
	}
	RETURN_STRING(done);
}

/* The status on the heap: with the fleet's rollout (64 members) it is
 * ~60 KB, and a Swoole coroutine's C stack, shared with the user's code,
 * is 2 MB (the tick keeps its rollout records off the stack too). */
ZEND_METHOD(BlueGreen_Releaser, status)
{
	php_bluegreen_releaser *r = Z_BLUEGREEN_RELEASER_P(ZEND_THIS);
	bg_status *st;
	bg_error err;

	ZEND_PARSE_PARAMETERS_NONE();

	st = emalloc(sizeof(*st));
	bg_error_clear(&err);
	if (bg_releaser_status(&r->core, st, &err) < 0) {
		bg_status_free(st);
		efree(st);
		php_bluegreen_throw(&err);
		RETURN_THROWS();
	}
	status_array(return_value, st);
	add_switch(return_value, &r->core.opt);
	bg_status_free(st);
	efree(st);
}
