/* The Redis backend (libhiredis): one connection, made on first use and
 * again after any failure, every read and write bounded by the store's
 * timeout. Each check-and-write is one Lua script run by EVAL, which Redis
 * runs atomically. A versioned value is a hash {v, data}; a slot is a
 * string "<token> <holder>" set with PX (its lease), the token from INCR on
 * "<prefix>/token", never below the server's clock in ms (ACQUIRE_LUA).
 *
 * One Redis instance: a failover to a replica that had not received the
 * last writes can lose a slot grant or a result (README, Fleet). */
#include "fleet/store.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/* KEYS[1] the value; ARGV[1] its data. 1 when created. */
static const char CREATE_LUA[] =
	"if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end "
	"redis.call('HSET', KEYS[1], 'v', 1, 'data', ARGV[1]) return 1";

/* KEYS[1] the value, KEYS[2] the slot (or the value again); ARGV[1] the
 * version read, ARGV[2] the data, ARGV[3] what the slot must hold ("" for
 * no fencing). -1 fenced, 0 version moved, 1 written. */
static const char CAS_LUA[] =
	"if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[3] then return -1 end "
	"local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0') "
	"if v ~= tonumber(ARGV[1]) then return 0 end "
	"redis.call('HSET', KEYS[1], 'v', v + 1, 'data', ARGV[2]) return 1";

/* KEYS[1] the token counter, KEYS[2] the gate (a value: "1" shut),
 * KEYS[3..] the slots; ARGV[1] the holder, ARGV[2] the lease in ms.
 * {index, token}, index -1 when all are held, -2 when the gate is shut:
 * one script, so that no grant follows a write that shut it.
 *
 * The token is the counter's INCR raised, when lower, to the server's
 * clock in milliseconds since the epoch (TIME, read in the same script):
 * a Redis restarted without persistence (save "", no AOF) starts the
 * counter again from nothing, while a holder from before the restart
 * still carries its token; a bare INCR would then grant it again, and
 * fencing could not tell the stale holder from the new one. The clock
 * survives the restart: every token granted before it was at most the
 * clock then plus the grants made within one millisecond, so the first
 * one after it is greater (the server's clock must not step back across
 * the restart). A host's highest token seen would not do: the new
 * holder may never have seen the stale one's. Effects replication (the
 * default from Redis 5) lets a script write after reading TIME. */
static const char ACQUIRE_LUA[] =
	"if redis.replicate_commands then redis.replicate_commands() end "
	"if redis.call('HGET', KEYS[2], 'data') == '1' then return {-2, 0} end "
	"for i = 3, #KEYS do "
	"  if redis.call('EXISTS', KEYS[i]) == 0 then "
	"    local t = redis.call('INCR', KEYS[1]) "
	"    local now = redis.call('TIME') "
	"    local floor = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) "
	"    if t < floor then t = floor redis.call('SET', KEYS[1], string.format('%.0f', t)) end "
	"    redis.call('SET', KEYS[i], string.format('%.0f', t) .. ' ' .. ARGV[1], 'PX', ARGV[2]) "
	"    return {i - 3, t} "
	"  end "
	"end return {-1, 0}";

/* KEYS[1] the slot; ARGV[1] what it must hold, ARGV[2] the lease in ms. */
static const char RENEW_LUA[] =
	"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";
static const char RELEASE_LUA[] =
	"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

#define MAX_ARGS 24

static void drop(bg_store *s)
{
	if (s->conn) {
		redisFree(s->conn);
		s->conn = NULL;
	}
}

static int failed(bg_store *s, const char *what, const char *why, bg_error *err)
{
	bg_error_set(err, BG_ERR_SYSTEM, "the fleet's store (redis at %s): %s: %s", s->where, what, why);
	drop(s);
	return -1;
}

static struct timeval timeout_tv(const bg_store *s)
{
	struct timeval tv;

	tv.tv_sec = (time_t) s->timeout_s;
	tv.tv_usec = (suseconds_t) ((s->timeout_s - (double) tv.tv_sec) * 1e6);
	return tv;
}

static redisReply *command(bg_store *s, int argc, const char **argv, const char *what, bg_error *err);

/* The connection, made now if there is none: AUTH and SELECT with it. */
static int connect_once(bg_store *s, bg_error *err)
{
	redisContext *c;
	redisReply *rep;
	char db[16];
	bg_store_addrs addrs;
	int i;
	const char *auth[2] = { "AUTH", s->password }, *sel[2] = { "SELECT", db };

	if (s->conn) {
		return 0;
	}
	/* hiredis resolves a name with a plain getaddrinfo: not bounded. Each
	 * address is tried in turn, as hiredis would. */
	if (bg_store_resolve(s, &addrs, err) < 0) {
		return -1;
	}
	for (i = 0, c = NULL; i < addrs.n && (!c || c->err); i++) {
		if (c) {
			redisFree(c);
		}
		if (!(c = redisConnectWithTimeout(addrs.addr[i], s->port, timeout_tv(s)))) {
			return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
		}
	}
	if (c->err) {
		bg_error_set(err, BG_ERR_SYSTEM, "the fleet's store (redis at %s): cannot connect: %s", s->where, c->errstr);
		redisFree(c);
		return -1;
	}
	if (redisSetTimeout(c, timeout_tv(s)) != REDIS_OK) {
		redisFree(c);
		return bg_error_set(err, BG_ERR_SYSTEM, "the fleet's store (redis at %s): cannot set its timeout", s->where);
	}
	s->conn = c;
	snprintf(db, sizeof(db), "%d", s->db);
	if (s->password && !(rep = command(s, 2, auth, "AUTH", err))) {
		return -1;
	}
	if (s->password) {
		freeReplyObject(rep);
	}
	if (s->db && !(rep = command(s, 2, sel, "SELECT", err))) {
		return -1;
	}
	if (s->db) {
		freeReplyObject(rep);
	}
	return 0;
}

/* One command; an error reply is a failure (its text never holds our
 * password: Redis does not echo AUTH's argument). */
static redisReply *command(bg_store *s, int argc, const char **argv, const char *what, bg_error *err)
{
	redisReply *rep;

	if (connect_once(s, err) < 0) {
		return NULL;
	}
	rep = redisCommandArgv(s->conn, argc, argv, NULL);
	if (!rep) {
		redisContext *c = s->conn;
		char why[128];

		/* A read past the timeout fails with EAGAIN: say which bound it hit. */
		if (c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			snprintf(why, sizeof(why), BG_STORE_NO_ANSWER, s->timeout_s);
		} else {
			snprintf(why, sizeof(why), "%s", c->errstr[0] ? c->errstr : "no answer");
		}
		failed(s, what, why, err);
		return NULL;
	}
	if (rep->type == REDIS_REPLY_ERROR) {
		failed(s, what, rep->str, err);
		freeReplyObject(rep);
		return NULL;
	}
	return rep;
}

/* EVAL script with keys and args; the reply for the caller to free. */
static redisReply *eval(bg_store *s, const char *script, int nkeys, const char **keys, int nargs, const char **args,
	const char *what, bg_error *err)
{
	const char *argv[MAX_ARGS];
	char num[16];
	int argc = 0, i;

	argv[argc++] = "EVAL";
	argv[argc++] = script;
	snprintf(num, sizeof(num), "%d", nkeys);
	argv[argc++] = num;
	for (i = 0; i < nkeys && argc < MAX_ARGS; i++) {
		argv[argc++] = keys[i];
	}
	for (i = 0; i < nargs && argc < MAX_ARGS; i++) {
		argv[argc++] = args[i];
	}
	return command(s, argc, argv, what, err);
}

static int int_reply(bg_store *s, redisReply *rep, const char *what, long long *out, bg_error *err)
{
	if (rep->type != REDIS_REPLY_INTEGER) {
		freeReplyObject(rep);
		return failed(s, what, "unexpected reply", err);
	}
	*out = rep->integer;
	freeReplyObject(rep);
	return 0;
}

static int r_get(bg_store *s, const char *key, char **value, long long *version, bg_error *err)
{
	const char *argv[4] = { "HMGET", key, "v", "data" };
	redisReply *rep = command(s, 4, argv, "HMGET", err);

	if (!rep) {
		return -1;
	}
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2) {
		freeReplyObject(rep);
		return failed(s, "HMGET", "unexpected reply", err);
	}
	if (rep->element[0]->type == REDIS_REPLY_STRING && rep->element[1]->type == REDIS_REPLY_STRING) {
		*version = strtoll(rep->element[0]->str, NULL, 10);
		*value = strndup(rep->element[1]->str, rep->element[1]->len);
	}
	freeReplyObject(rep);
	return 0;
}

static int r_put(bg_store *s, const char *key, const char *value, bg_error *err)
{
	/* A hash like every value, so that bg_store_get reads it. */
	const char *argv[6] = { "HSET", key, "v", "1", "data", value };
	redisReply *rep = command(s, 6, argv, "HSET", err);

	if (!rep) {
		return -1;
	}
	freeReplyObject(rep);
	return 0;
}

static int r_create(bg_store *s, const char *key, const char *value, int *done, bg_error *err)
{
	redisReply *rep = eval(s, CREATE_LUA, 1, &key, 1, &value, "EVAL (create)", err);
	long long n;

	if (!rep || int_reply(s, rep, "EVAL (create)", &n, err) < 0) {
		return -1;
	}
	*done = n == 1;
	return 0;
}

static int r_cas(bg_store *s, const char *key, long long version, const char *value, const char *slot_key,
	const bg_store_slot *slot, int *done, int *fenced, bg_error *err)
{
	const char *keys[2] = { key, slot_key ? slot_key : key };
	char ver[24];
	const char *args[3] = { ver, value, slot ? slot->value : "" };
	redisReply *rep;
	long long n;

	snprintf(ver, sizeof(ver), "%lld", version);
	rep = eval(s, CAS_LUA, 2, keys, 3, args, "EVAL (compare-and-set)", err);
	if (!rep || int_reply(s, rep, "EVAL (compare-and-set)", &n, err) < 0) {
		return -1;
	}
	*done = n == 1;
	*fenced = n == -1;
	return 0;
}

static int r_acquire(bg_store *s, const char *prefix, int n, const char *gate, const char *holder, double ttl_s,
	bg_store_slot *slot, int *got, int *shut, bg_error *err)
{
	const char *keys[MAX_ARGS];
	char names[MAX_ARGS][300], ms[24];
	const char *args[2] = { holder, ms };
	redisReply *rep;
	int i;

	if (n < 1 || n > MAX_ARGS - 8) {
		return bg_error_set(err, BG_ERR_CONFIG, "the fleet's parallel must be between 1 and %d", MAX_ARGS - 8);
	}
	snprintf(names[0], sizeof(names[0]), "%s/token", prefix);
	keys[0] = names[0];
	keys[1] = gate;
	for (i = 0; i < n; i++) {
		bg_store_slot_key(names[i + 2], sizeof(names[i + 2]), prefix, i);
		keys[i + 2] = names[i + 2];
	}
	snprintf(ms, sizeof(ms), "%lld", (long long) (ttl_s * 1000));
	rep = eval(s, ACQUIRE_LUA, n + 2, keys, 2, args, "EVAL (slot)", err);
	if (!rep) {
		return -1;
	}
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 || rep->element[0]->type != REDIS_REPLY_INTEGER
		|| rep->element[1]->type != REDIS_REPLY_INTEGER) {
		freeReplyObject(rep);
		return failed(s, "EVAL (slot)", "unexpected reply", err);
	}
	if (rep->element[0]->integer >= 0) {
		slot->index = (int) rep->element[0]->integer;
		slot->token = rep->element[1]->integer;
		snprintf(slot->value, sizeof(slot->value), "%lld %s", slot->token, holder);
		*got = 1;
	}
	*shut = rep->element[0]->integer == -2;
	freeReplyObject(rep);
	return 0;
}

static int r_renew(bg_store *s, const char *slot_key, const bg_store_slot *slot, double ttl_s, int *held,
	bg_error *err)
{
	char ms[24];
	const char *args[2] = { slot->value, ms };
	redisReply *rep;
	long long n;

	snprintf(ms, sizeof(ms), "%lld", (long long) (ttl_s * 1000));
	rep = eval(s, RENEW_LUA, 1, &slot_key, 2, args, "EVAL (renew)", err);
	if (!rep || int_reply(s, rep, "EVAL (renew)", &n, err) < 0) {
		return -1;
	}
	*held = n == 1;
	return 0;
}

static int r_release(bg_store *s, const char *slot_key, const bg_store_slot *slot, bg_error *err)
{
	const char *args[1] = { slot->value };
	redisReply *rep = eval(s, RELEASE_LUA, 1, &slot_key, 1, args, "EVAL (release)", err);
	long long n;

	return rep ? int_reply(s, rep, "EVAL (release)", &n, err) : -1;
}

static int r_peek(bg_store *s, const char *slot_key, char **value, bg_error *err)
{
	const char *argv[2] = { "GET", slot_key };
	redisReply *rep = command(s, 2, argv, "GET", err);

	*value = NULL;
	if (!rep) {
		return -1;
	}
	if (rep->type == REDIS_REPLY_STRING) {
		*value = strndup(rep->str, rep->len);
	}
	freeReplyObject(rep);
	return 0;
}

const bg_store_ops bg_store_redis_ops = {
	r_get, r_put, r_create, r_cas, r_acquire, r_renew, r_release, r_peek, drop
};
