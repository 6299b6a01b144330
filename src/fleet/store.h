/* bluegreen core: the fleet's coordination store, one interface over two
 * backends — Redis (libhiredis; Lua scripts make each check-and-write
 * atomic) and etcd (its v3 JSON gateway over libcurl; txn compares).
 *
 * What the fleet needs from a store, and nothing more:
 *   - a value per key with a version, created only if absent and replaced
 *     only if its version is still the one read (compare-and-set);
 *   - `n` slots, each a key bound to a lease (a TTL the holder renews), so
 *     that a holder that dies frees its slot;
 *   - a fencing token per slot grant, increasing over the fleet's life
 *     (Redis: an INCR counter never below the server's clock in ms, so
 *     that it grows across a restart without persistence; etcd: the slot
 *     key's create revision, kept on its data dir): a
 *     write made "with a slot" succeeds only while that grant still holds
 *     the slot, so that a paused or partitioned holder whose lease ran out
 *     cannot write over the next holder's results.
 *
 * Every call is bounded by the store's timeout (connect and each read and
 * write): the releaser runs inside a Swoole process and must never block
 * for ever. A call that fails leaves the store usable; the next call
 * connects again. No message names the URL's credentials. */
#ifndef BG_STORE_H
#define BG_STORE_H

#include "base/error.h"

typedef struct bg_store bg_store;

/* A call that hit the store's timeout (the seconds of fleet.timeout). */
#define BG_STORE_NO_ANSWER "no answer within fleet.timeout (%g s)"

/* A slot held: which one, under which grant. index -1: none. */
typedef struct {
	int index;
	long long token;       /* the fencing token of this grant */
	long long lease;       /* etcd: the lease the slot key is bound to */
	char value[160];       /* what the slot key holds: "<token> <holder>" */
} bg_store_slot;

/* Opens a store from "redis://[:password@]host:port[/db]" or
 * "etcd://host:port"; nothing is sent yet. timeout_s bounds every call.
 * Fails with BG_ERR_CONFIG naming `option` for a URL it cannot use. */
int bg_store_open(const char *url, const char *option, double timeout_s, bg_store **out, bg_error *err);
void bg_store_close(bg_store *s);

/* Once per process, before any thread (libcurl's global state: its init is
 * not thread-safe, and the slot's keepalive thread makes requests). */
void bg_store_global_init(void);
void bg_store_global_shutdown(void);

/* "redis" or "etcd", and host:port (no credentials), for messages. */
const char *bg_store_kind(const bg_store *s);
const char *bg_store_where(const bg_store *s);

/* The value of key (malloc'd) and its version; *value NULL when absent. */
int bg_store_get(bg_store *s, const char *key, char **value, long long *version, bg_error *err);

/* Writes key unconditionally (no version kept: a pointer such as "the
 * latest rollout"). */
int bg_store_put(bg_store *s, const char *key, const char *value, bg_error *err);

/* Creates key with value only if it does not exist: *done 1 when this call
 * created it. */
int bg_store_create(bg_store *s, const char *key, const char *value, int *done, bg_error *err);

/* Replaces key's value only if its version is still `version` and, with a
 * slot, only while that grant still holds it (fencing): *done 1 when
 * written, 0 when the version moved; *fenced 1 when the grant no longer
 * holds its slot (nothing written). */
int bg_store_cas(bg_store *s, const char *key, long long version, const char *value,
	const char *slot_prefix, const bg_store_slot *slot, int *done, int *fenced, bg_error *err);

/* Takes one of `n` slots under prefix ("<prefix>/<i>") for `holder`, bound
 * to a lease of ttl_s seconds, unless the key `gate` holds "1" (the fleet
 * paused): the gate is checked in the same atomic step as the grant, so
 * that once a write of "1" to it has returned, no slot is granted. *got 1
 * and slot filled; 0 when all are held, or the gate is shut (*shut 1). */
int bg_store_slot_acquire(bg_store *s, const char *prefix, int n, const char *gate, const char *holder,
	double ttl_s, bg_store_slot *slot, int *got, int *shut, bg_error *err);

/* Extends the lease by ttl_s from now: *held 0 when the grant lost it. */
int bg_store_slot_renew(bg_store *s, const char *prefix, const bg_store_slot *slot, double ttl_s, int *held,
	bg_error *err);

/* Gives the slot up, only if this grant still holds it. */
int bg_store_slot_release(bg_store *s, const char *prefix, const bg_store_slot *slot, bg_error *err);

/* What each of the n slots holds ("<token> <holder>"), NULL for a free one:
 * a malloc'd array of n malloc'd strings, for bg_store_holders_free(). */
int bg_store_slot_holders(bg_store *s, const char *prefix, int n, char ***holders, bg_error *err);
void bg_store_holders_free(char **holders, int n);

/* The backends (store_redis.c, store_etcd.c) fill this table. */
typedef struct {
	int (*get)(bg_store *s, const char *key, char **value, long long *version, bg_error *err);
	int (*put)(bg_store *s, const char *key, const char *value, bg_error *err);
	int (*create)(bg_store *s, const char *key, const char *value, int *done, bg_error *err);
	int (*cas)(bg_store *s, const char *key, long long version, const char *value, const char *slot_key,
		const bg_store_slot *slot, int *done, int *fenced, bg_error *err);
	int (*acquire)(bg_store *s, const char *prefix, int n, const char *gate, const char *holder, double ttl_s,
		bg_store_slot *slot, int *got, int *shut, bg_error *err);
	int (*renew)(bg_store *s, const char *slot_key, const bg_store_slot *slot, double ttl_s, int *held,
		bg_error *err);
	int (*release)(bg_store *s, const char *slot_key, const bg_store_slot *slot, bg_error *err);
	int (*peek)(bg_store *s, const char *slot_key, char **value, bg_error *err);
	void (*close)(bg_store *s);
} bg_store_ops;

struct bg_store {
	const bg_store_ops *ops;
	char kind[8];
	char host[256];
	int port;
	char where[300];        /* host:port */
	char *password;         /* Redis AUTH, or NULL */
	int db;                 /* Redis database */
	double timeout_s;
	void *conn;             /* the backend's connection, or NULL */
};

/* The store's host as addresses, in the resolver's order (an IP literal as
 * it is), its name looked up within the store's timeout (getaddrinfo_a: a
 * resolver that does not answer does not block the caller longer). For
 * Redis: hiredis's own lookup is not bounded. */
#define BG_STORE_ADDRS 4
typedef struct {
	int n;
	char addr[BG_STORE_ADDRS][48];   /* INET6_ADDRSTRLEN (46) fits */
} bg_store_addrs;

int bg_store_resolve(const bg_store *s, bg_store_addrs *out, bg_error *err);

/* "<prefix>/<i>" into buf. */
void bg_store_slot_key(char *buf, size_t size, const char *prefix, int i);

extern const bg_store_ops bg_store_redis_ops;
extern const bg_store_ops bg_store_etcd_ops;

#endif
