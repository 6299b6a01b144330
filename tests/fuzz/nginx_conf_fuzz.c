/* libFuzzer target for src/nginx/nginx_conf.c; tests/fuzz.sh builds and runs it.
 *
 * The whole input is the config, so the seed corpus is made of real files.
 * Each input is tried with a few fixed (upstream, host, ports, new port)
 * variants, and the properties checked are:
 *   - a failure is a BG_ERR_NGINX error with a message, and find, rewrite and
 *     active_port fail alike;
 *   - the entries found lie inside the buffer, in order, and hold their port;
 *   - the rewrite differs from the input only in those port digits;
 *   - the rewrite, parsed again, has the same entries, now at the new port,
 *     and rewriting it once more changes nothing;
 *   - a canary, undone to the port it had, is the input byte for byte, and
 *     undone to the new port is the rewrite; any input is either in canary
 *     form or not, without failing otherwise than find does. */
#include "nginx/nginx_conf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *upstream;
	const char *host;
	int ports[2];
	int port;           /* the one to switch to */
} variant;

static const variant variants[] = {
	{ "easyswoole.relase.com", "127.0.0.1", { 9501, 9502 }, 9502 },
	{ "backend", "localhost", { 9501, 9502 }, 9501 },
	{ "backend", "::1", { 80, 10000 }, 10000 },    /* the digits change width */
	{ "u", "10.0.0.2", { 10000, 8 }, 8 },
};

#define REQUIRE(cond) require((cond), #cond, __LINE__)

static void require(int ok, const char *what, int line)
{
	if (!ok) {
		fprintf(stderr, "nginx_conf_fuzz.c:%d: property broken: %s\n", line, what);
		abort();
	}
}

static void require_clean_error(const bg_error *err)
{
	REQUIRE(err->code == BG_ERR_NGINX);
	REQUIRE(err->msg[0] != '\0');
}

static int line_at(const char *buf, size_t off)
{
	const char *p = buf, *end = buf + off;
	int line = 1;

	while ((p = memchr(p, '\n', (size_t) (end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

static int parse_digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		REQUIRE(s[i] >= '0' && s[i] <= '9');
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The entries found are where they say, in file order. */
static void check_found(const char *buf, size_t len, const variant *v, const bg_nginx_upstream *u)
{
	size_t i, end = 0;

	REQUIRE(u->n > 0 && u->line >= 1);
	for (i = 0; i < u->n; i++) {
		const bg_nginx_server *s = &u->servers[i];

		REQUIRE(s->port_off >= end && s->port_len >= 1 && s->port_len <= 5);
		REQUIRE(s->port_off + s->port_len <= len);
		REQUIRE(parse_digits(buf + s->port_off, s->port_len) == s->port);
		REQUIRE(s->port == v->ports[0] || s->port == v->ports[1]);
		REQUIRE(s->line >= u->line && s->line <= line_at(buf, s->port_off));
		end = s->port_off + s->port_len;
	}
}

/* out is buf with each server's port replaced by v->port, and nothing else. */
static void check_patch(const char *buf, size_t len, const variant *v, const bg_nginx_upstream *u,
	const char *out, size_t out_len)
{
	char digits[8];
	size_t dlen = (size_t) snprintf(digits, sizeof(digits), "%d", v->port);
	size_t from = 0, at = 0, i;

	for (i = 0; i < u->n; i++) {
		const bg_nginx_server *s = &u->servers[i];
		size_t same = s->port_off - from;

		REQUIRE(at + same + dlen <= out_len);
		REQUIRE(memcmp(out + at, buf + from, same) == 0);
		REQUIRE(memcmp(out + at + same, digits, dlen) == 0);
		at += same + dlen;
		from = s->port_off + s->port_len;
	}
	REQUIRE(out_len - at == len - from);
	REQUIRE(memcmp(out + at, buf + from, len - from) == 0);
	REQUIRE(out[out_len] == '\0');
}

/* The rewrite holds the same entries, all at the new port, and is a fixed point. */
static void check_reparse(const char *out, size_t out_len, const variant *v, const bg_nginx_upstream *u)
{
	bg_nginx_upstream again;
	bg_error err;
	char *twice;
	size_t twice_len, i;
	int rc;

	bg_error_clear(&err);
	rc = bg_nginx_conf_find(out, out_len, "fuzz.conf", v->upstream, v->host, v->ports, &again, &err);
	REQUIRE(rc == 0);
	REQUIRE(again.n == u->n && again.line == u->line);
	for (i = 0; i < again.n; i++) {
		REQUIRE(again.servers[i].port == v->port);
		REQUIRE(again.servers[i].line == u->servers[i].line);
		REQUIRE(again.servers[i].backup == u->servers[i].backup && again.servers[i].down == u->servers[i].down);
	}
	check_found(out, out_len, v, &again);
	bg_nginx_upstream_free(&again);

	rc = bg_nginx_conf_rewrite(out, out_len, "fuzz.conf", v->upstream, v->host, v->ports, v->port, &twice,
		&twice_len, &err);
	REQUIRE(rc == 0 && twice_len == out_len && memcmp(twice, out, out_len) == 0);
	free(twice);
}

/* When find fails, rewrite and active_port fail with the same message. */
static void check_failure(const char *buf, size_t len, const variant *v, const bg_error *found)
{
	bg_error err;
	char *out;
	size_t out_len;
	int port;

	require_clean_error(found);
	bg_error_clear(&err);
	REQUIRE(bg_nginx_conf_rewrite(buf, len, "fuzz.conf", v->upstream, v->host, v->ports, v->port, &out,
		&out_len, &err) == -1);
	REQUIRE(out == NULL && strcmp(err.msg, found->msg) == 0);
	bg_error_clear(&err);
	REQUIRE(bg_nginx_conf_active_port(buf, len, "fuzz.conf", v->upstream, v->host, v->ports, &port,
		&err) == -1);
	REQUIRE(strcmp(err.msg, found->msg) == 0);
}

static void check_success(const char *buf, size_t len, const variant *v, const bg_nginx_upstream *u)
{
	bg_error err;
	char *out;
	size_t out_len, i;
	int port, listed = 0;

	check_found(buf, len, v, u);
	bg_error_clear(&err);
	REQUIRE(bg_nginx_conf_rewrite(buf, len, "fuzz.conf", v->upstream, v->host, v->ports, v->port, &out,
		&out_len, &err) == 0);
	check_patch(buf, len, v, u, out, out_len);
	check_reparse(out, out_len, v, u);
	free(out);

	REQUIRE(bg_nginx_conf_active_port(buf, len, "fuzz.conf", v->upstream, v->host, v->ports, &port, &err) == 0);
	for (i = 0; i < u->n; i++) {
		listed |= u->servers[i].port == port;
	}
	REQUIRE(listed);
}

/* The canary's way there and back. */
static void check_canary(const char *buf, size_t len, const variant *v, const bg_nginx_upstream *u)
{
	bg_error err;
	char *canary, *back, *plain;
	size_t canary_len, back_len, plain_len;
	int from = 0, old = u->servers[0].port;

	bg_error_clear(&err);
	if (bg_nginx_conf_canary(buf, len, "fuzz.conf", v->upstream, v->host, v->ports, v->port, 10, &canary,
			&canary_len, &err) < 0) {
		REQUIRE(canary == NULL);
		require_clean_error(&err);
		return;
	}
	REQUIRE(u->n == 1 && old != v->port);
	REQUIRE(bg_nginx_conf_uncanary(canary, canary_len, "fuzz.conf", v->upstream, v->host, v->ports, old, &from,
		&back, &back_len, &err) == 0);
	REQUIRE(from == v->port && back_len == len && memcmp(back, buf, len) == 0);
	free(back);
	REQUIRE(bg_nginx_conf_uncanary(canary, canary_len, "fuzz.conf", v->upstream, v->host, v->ports, v->port, &from,
		&back, &back_len, &err) == 0);
	REQUIRE(from == old);
	REQUIRE(bg_nginx_conf_rewrite(buf, len, "fuzz.conf", v->upstream, v->host, v->ports, v->port, &plain,
		&plain_len, &err) == 0);
	REQUIRE(back_len == plain_len && memcmp(back, plain, plain_len) == 0);
	free(back);
	free(plain);
	free(canary);
}

static void check_uncanary(const char *buf, size_t len, const variant *v)
{
	bg_error err;
	char *out;
	size_t out_len;
	int from = 0, rc;

	bg_error_clear(&err);
	rc = bg_nginx_conf_uncanary(buf, len, "fuzz.conf", v->upstream, v->host, v->ports, v->port, &from, &out,
		&out_len, &err);
	REQUIRE(rc == 0 ? out != NULL : out == NULL);
	if (rc < 0) {
		require_clean_error(&err);
	}
	free(out);
}

static void check_variant(const char *buf, size_t len, const variant *v)
{
	bg_nginx_upstream u;
	bg_error err;

	bg_error_clear(&err);
	if (bg_nginx_conf_find(buf, len, "fuzz.conf", v->upstream, v->host, v->ports, &u, &err) < 0) {
		REQUIRE(u.servers == NULL && u.n == 0);
		check_failure(buf, len, v, &err);
		return;
	}
	check_success(buf, len, v, &u);
	check_canary(buf, len, v, &u);
	check_uncanary(buf, len, v);
	bg_nginx_upstream_free(&u);
}

static void check_main_directive(const char *buf, size_t len)
{
	bg_error err;
	char *value;

	bg_error_clear(&err);
	if (bg_nginx_conf_main_directive(buf, len, "fuzz.conf", "pid", &value, &err) < 0) {
		REQUIRE(value == NULL);
		require_clean_error(&err);
		return;
	}
	free(value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *) data;
	size_t i;

	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		check_variant(buf, size, &variants[i]);
	}
	check_main_directive(buf, size);
	return 0;
}
