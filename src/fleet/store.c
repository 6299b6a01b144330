/* The store interface: the URL read once, each call passed to its backend
 * (store_redis.c, store_etcd.c). */
#include "fleet/store.h"
#include "base/strv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REDIS_SCHEME "redis://"
#define ETCD_SCHEME "etcd://"
#define BG_STORE_URL_FORMS "\"redis://host:port/db\" or \"etcd://host:port\""

/* host[:port] from text up to '/' or the end; port defaults to def_port. */
static int parse_hostport(bg_store *s, const char *text, int def_port)
{
	const char *end = text + strcspn(text, "/"), *colon = memchr(text, ':', (size_t) (end - text));
	size_t hlen = (size_t) ((colon ? colon : end) - text);
	char *stop;
	long port = def_port;

	if (hlen == 0 || hlen >= sizeof(s->host)) {
		return -1;
	}
	memcpy(s->host, text, hlen);
	s->host[hlen] = '\0';
	if (colon) {
		port = strtol(colon + 1, &stop, 10);
		if (stop != end || port < 1 || port > 65535) {
			return -1;
		}
	}
	s->port = (int) port;
	snprintf(s->where, sizeof(s->where), "%s:%d", s->host, s->port);
	return 0;
}

/* "[user][:password]@": the password is kept for Redis's AUTH. */
static const char *take_userinfo(bg_store *s, const char *rest)
{
	const char *at = strchr(rest, '@'), *colon;

	if (!at || (strchr(rest, '/') && strchr(rest, '/') < at)) {
		return rest;
	}
	colon = memchr(rest, ':', (size_t) (at - rest));
	if (colon && colon + 1 < at) {
		s->password = strndup(colon + 1, (size_t) (at - colon - 1));
	}
	return at + 1;
}

int bg_store_open(const char *url, const char *option, double timeout_s, bg_store **out, bg_error *err)
{
	bg_store *s = calloc(1, sizeof(*s));
	const char *rest;
	char *stop;

	*out = NULL;
	if (!s) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	s->timeout_s = timeout_s;
	if (strncmp(url, REDIS_SCHEME, strlen(REDIS_SCHEME)) == 0) {
		s->ops = &bg_store_redis_ops;
		snprintf(s->kind, sizeof(s->kind), "redis");
		rest = take_userinfo(s, url + strlen(REDIS_SCHEME));
		if (parse_hostport(s, rest, 6379) < 0) {
			goto bad;
		}
		rest += strcspn(rest, "/");
		if (*rest == '/' && rest[1]) {
			long db = strtol(rest + 1, &stop, 10);

			if (*stop || db < 0 || db > 65535) {
				goto bad;
			}
			s->db = (int) db;
		}
	} else if (strncmp(url, ETCD_SCHEME, strlen(ETCD_SCHEME)) == 0) {
		s->ops = &bg_store_etcd_ops;
		snprintf(s->kind, sizeof(s->kind), "etcd");
		rest = url + strlen(ETCD_SCHEME);
		if (strchr(rest, '@')) {
			bg_store_close(s);
			return bg_error_set(err, BG_ERR_CONFIG, "Option \"%s\": etcd's authentication is not supported; "
				"give \"etcd://host:port\" of an etcd that does not require it", option);
		}
		if (parse_hostport(s, rest, 2379) < 0 || (rest[strcspn(rest, "/")] && strcmp(rest + strcspn(rest, "/"), "/"))) {
			goto bad;
		}
	} else {
		goto bad;
	}
	*out = s;
	return 0;

bad:
	bg_store_close(s);
	/* The URL is not repeated: it may hold a password. */
	return bg_error_set(err, BG_ERR_CONFIG, "Option \"%s\" must be " BG_STORE_URL_FORMS, option);
}

void bg_store_close(bg_store *s)
{
	if (!s) {
		return;
	}
	if (s->conn && s->ops) {
		s->ops->close(s);
	}
	if (s->password) {
		memset(s->password, 0, strlen(s->password));
		free(s->password);
	}
	free(s);
}

const char *bg_store_kind(const bg_store *s)
{
	return s->kind;
}

const char *bg_store_where(const bg_store *s)
{
	return s->where;
}

void bg_store_slot_key(char *buf, size_t size, const char *prefix, int i)
{
	snprintf(buf, size, "%s/%d", prefix, i);
}

int bg_store_get(bg_store *s, const char *key, char **value, long long *version, bg_error *err)
{
	*value = NULL;
	*version = 0;
	return s->ops->get(s, key, value, version, err);
}

int bg_store_put(bg_store *s, const char *key, const char *value, bg_error *err)
{
	return s->ops->put(s, key, value, err);
}

int bg_store_create(bg_store *s, const char *key, const char *value, int *done, bg_error *err)
{
	*done = 0;
	return s->ops->create(s, key, value, done, err);
}

int bg_store_cas(bg_store *s, const char *key, long long version, const char *value,
	const char *slot_prefix, const bg_store_slot *slot, int *done, int *fenced, bg_error *err)
{
	char slot_key[300];

	*done = 0;
	*fenced = 0;
	if (slot && slot->index >= 0) {
		bg_store_slot_key(slot_key, sizeof(slot_key), slot_prefix, slot->index);
		return s->ops->cas(s, key, version, value, slot_key, slot, done, fenced, err);
	}
	return s->ops->cas(s, key, version, value, NULL, NULL, done, fenced, err);
}

int bg_store_slot_acquire(bg_store *s, const char *prefix, int n, const char *gate, const char *holder,
	double ttl_s, bg_store_slot *slot, int *got, int *shut, bg_error *err)
{
	memset(slot, 0, sizeof(*slot));
	slot->index = -1;
	*got = 0;
	*shut = 0;
	return s->ops->acquire(s, prefix, n, gate, holder, ttl_s, slot, got, shut, err);
}

int bg_store_slot_renew(bg_store *s, const char *prefix, const bg_store_slot *slot, double ttl_s, int *held,
	bg_error *err)
{
	char key[300];

	*held = 0;
	bg_store_slot_key(key, sizeof(key), prefix, slot->index);
	return s->ops->renew(s, key, slot, ttl_s, held, err);
}

int bg_store_slot_release(bg_store *s, const char *prefix, const bg_store_slot *slot, bg_error *err)
{
	char key[300];

	bg_store_slot_key(key, sizeof(key), prefix, slot->index);
	return s->ops->release(s, key, slot, err);
}

int bg_store_slot_holders(bg_store *s, const char *prefix, int n, char ***holders, bg_error *err)
{
	char key[300];
	int i;

	*holders = calloc((size_t) (n > 0 ? n : 1), sizeof(char *));
	if (!*holders) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		bg_store_slot_key(key, sizeof(key), prefix, i);
		if (s->ops->peek(s, key, &(*holders)[i], err) < 0) {
			bg_store_holders_free(*holders, n);
			*holders = NULL;
			return -1;
		}
	}
	return 0;
}

void bg_store_holders_free(char **holders, int n)
{
	int i;

	if (!holders) {
		return;
	}
	for (i = 0; i < n; i++) {
		free(holders[i]);
	}
	free(holders);
}

/* One name lookup of getaddrinfo_a. */
typedef struct lookup {
	struct gaicb cb;
	struct addrinfo hints;
	char host[256];
	struct lookup *next;
} lookup;

/* Lookups given up on while glibc's thread still ran them: their memory is
 * glibc's until they end, then freed by a later lookup (no callback into
 * this library, which PHP may unload before a late one would run). */
static pthread_mutex_t abandoned_mu = PTHREAD_MUTEX_INITIALIZER;
static lookup *abandoned;

static void lookup_free(lookup *l)
{
	if (l->cb.ar_result) {
		freeaddrinfo(l->cb.ar_result);
	}
	free(l);
}

/* gai_suspend returns 0 once the lookup left glibc's queue, which glibc
 * does under its lock after writing the result: then it is ours again
 * (gai_error alone can say done before ar_result is written). */
static int lookup_ended(lookup *l, double wait_s)
{
	const struct gaicb *list[1] = { &l->cb };
	struct timespec ts;

	ts.tv_sec = (time_t) wait_s;
	ts.tv_nsec = (long) ((wait_s - (double) ts.tv_sec) * 1e9);
	return gai_suspend(list, 1, &ts) == 0;
}

static void reap_abandoned(void)
{
	lookup **p, *l;

	pthread_mutex_lock(&abandoned_mu);
	for (p = &abandoned; (l = *p);) {
		if (lookup_ended(l, 0)) {
			*p = l->next;
			lookup_free(l);
		} else {
			p = &l->next;
		}
	}
	pthread_mutex_unlock(&abandoned_mu);
}

static void abandon(lookup *l)
{
	int rc = gai_cancel(&l->cb);

	if (rc == EAI_CANCELED || rc == EAI_ALLDONE) {
		lookup_free(l);       /* off glibc's queue: ours */
		return;
	}
	pthread_mutex_lock(&abandoned_mu);
	l->next = abandoned;
	abandoned = l;
	pthread_mutex_unlock(&abandoned_mu);
}

static double monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Waits for l until timeout_s has passed: 0 ended, -1 not yet. */
static int lookup_wait(lookup *l, double timeout_s)
{
	double deadline = monotonic_s() + timeout_s, left;

	while (!lookup_ended(l, (left = deadline - monotonic_s()) > 0 ? left : 0)) {
		if (left <= 0) {
			return -1;
		}
	}
	return 0;
}

int bg_store_resolve(const bg_store *s, bg_store_addrs *out, bg_error *err)
{
	unsigned char raw[sizeof(struct in6_addr)];
	struct gaicb *list[1];
	const struct addrinfo *ai;
	lookup *l;
	int rc;

	out->n = 0;
	if (inet_pton(AF_INET, s->host, raw) == 1 || inet_pton(AF_INET6, s->host, raw) == 1) {
		snprintf(out->addr[out->n++], sizeof(out->addr[0]), "%.47s", s->host);   /* a literal fits */
		return 0;
	}
	reap_abandoned();
	if (!(l = calloc(1, sizeof(*l)))) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	snprintf(l->host, sizeof(l->host), "%s", s->host);
	l->hints.ai_socktype = SOCK_STREAM;
	l->cb.ar_name = l->host;
	l->cb.ar_request = &l->hints;
	list[0] = &l->cb;
	if ((rc = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL)) != 0) {
		free(l);
		return bg_error_set(err, BG_ERR_SYSTEM, "the fleet's store (%s at %s): cannot resolve %s: %s", s->kind,
			s->where, s->host, gai_strerror(rc));
	}
	if (lookup_wait(l, s->timeout_s) < 0) {
		abandon(l);
		return bg_error_set(err, BG_ERR_SYSTEM, "the fleet's store (%s at %s): cannot resolve %s: " BG_STORE_NO_ANSWER,
			s->kind, s->where, s->host, s->timeout_s);
	}
	rc = gai_error(&l->cb);
	for (ai = rc == 0 ? l->cb.ar_result : NULL; ai && out->n < BG_STORE_ADDRS; ai = ai->ai_next) {
		const void *in = ai->ai_family == AF_INET ? (const void *) &((struct sockaddr_in *) ai->ai_addr)->sin_addr
			: ai->ai_family == AF_INET6 ? (const void *) &((struct sockaddr_in6 *) ai->ai_addr)->sin6_addr : NULL;

		if (in && inet_ntop(ai->ai_family, in, out->addr[out->n], sizeof(out->addr[0]))) {
			out->n++;
		}
	}
	lookup_free(l);
	if (out->n == 0) {
		return bg_error_set(err, BG_ERR_SYSTEM, "the fleet's store (%s at %s): cannot resolve %s: %s", s->kind,
			s->where, s->host, rc ? gai_strerror(rc) : "no address");
	}
	return 0;
}
