/* The store interface: the URL read once, each call passed to its backend
 * (store_redis.c, store_etcd.c). */
#include "fleet/store.h"
#include "base/strv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
