/* The etcd backend: etcd's v3 API through its JSON gateway over HTTP
 * (libcurl; no etcd C client is packaged), keys and values base64. A
 * versioned value is a key whose mod_revision is its version; a check-and-
 * write is one txn (compare, then put); a slot is a key created only if
 * absent (create_revision 0) and bound to a lease that the holder keeps
 * alive; its create_revision, the cluster's revision when it was made, is
 * the fencing token. Every request is bounded by the store's timeout
 * (base/http.h: lookup and connect included, signals off). */
#include "fleet/store.h"
#include "base/http.h"
#include "base/json.h"
#include "base/strv.h"

#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An answer larger than this is not one of ours. */
#define MAX_ANSWER (1024 * 1024)

void bg_store_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void bg_store_global_shutdown(void)
{
	curl_global_cleanup();
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64_encode(const char *in)
{
	size_t len = strlen(in), i, o = 0;
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (!out) {
		return NULL;
	}
	for (i = 0; i < len; i += 3) {
		unsigned v = (unsigned char) in[i] << 16;

		v |= i + 1 < len ? (unsigned char) in[i + 1] << 8 : 0;
		v |= i + 2 < len ? (unsigned char) in[i + 2] : 0;
		out[o++] = B64[(v >> 18) & 63];
		out[o++] = B64[(v >> 12) & 63];
		out[o++] = i + 1 < len ? B64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? B64[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/* NULL on a character outside the alphabet. */
static char *b64_decode(const char *in)
{
	size_t len = strlen(in), o = 0, i;
	char *out = malloc(len / 4 * 3 + 4);
	unsigned v = 0;
	int bits = 0;

	if (!out) {
		return NULL;
	}
	for (i = 0; i < len && in[i] != '='; i++) {
		const char *p = strchr(B64, in[i]);

		if (!p || !in[i]) {
			free(out);
			return NULL;
		}
		v = (v << 6) | (unsigned) (p - B64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char) ((v >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return out;
}

typedef struct {
	char *buf;
	size_t len;
	int too_big;
} answer;

static size_t collect(char *data, size_t size, size_t n, void *p)
{
	answer *a = p;
	size_t more = size * n;
	char *grown;

	if (a->len + more > MAX_ANSWER) {
		a->too_big = 1;
		return 0;
	}
	if (!(grown = realloc(a->buf, a->len + more + 1))) {
		return 0;
	}
	a->buf = grown;
	memcpy(a->buf + a->len, data, more);
	a->len += more;
	a->buf[a->len] = '\0';
	return more;
}

static void e_close(bg_store *s)
{
	if (s->conn) {
		curl_easy_cleanup(s->conn);
		s->conn = NULL;
	}
}

/* POSTs body to path; the answer parsed. A non-200 answer is a failure
 * with etcd's message. */
static int post(bg_store *s, const char *path, const char *body, bg_json **out, bg_error *err)
{
	char url[400], msg[CURL_ERROR_SIZE] = "";
	answer a = { NULL, 0, 0 };
	long status = 0;
	long ms = (long) ceil(s->timeout_s * 1000);
	CURLcode rc;
	CURL *c;

	*out = NULL;
	if (!s->conn && !(s->conn = curl_easy_init())) {
		return bg_error_set(err, BG_ERR_SYSTEM, "the fleet's store (etcd at %s): cannot start libcurl", s->where);
	}
	c = s->conn;
	curl_easy_reset(c);
	snprintf(url, sizeof(url), "http://%s%s", s->where, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, msg);
	bg_http_bound(c, ms);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK) {
		free(a.buf);
		e_close(s);
		if (rc == CURLE_OPERATION_TIMEDOUT) {
			snprintf(msg, sizeof(msg), BG_STORE_NO_ANSWER, s->timeout_s);
		}
		return bg_error_set(err, BG_ERR_SYSTEM, "the fleet's store (etcd at %s): %s: %s", s->where, path,
			a.too_big ? "the answer is too large" : msg[0] ? msg : curl_easy_strerror(rc));
	}
	if (bg_json_parse(a.buf ? a.buf : "", a.len, path, BG_ERR_SYSTEM, out, err) < 0) {
		free(a.buf);
		return bg_error_prefix(err, "the fleet's store (etcd at %s)", s->where);
	}
	free(a.buf);
	if (status != 200) {
		const char *why = bg_json_get_str(*out, "message") ? bg_json_get_str(*out, "message")
			: bg_json_get_str(*out, "error");

		bg_error_set(err, BG_ERR_SYSTEM, "the fleet's store (etcd at %s): %s: HTTP %ld: %s", s->where, path, status,
			why ? why : "no message");
		bg_json_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* The gateway writes int64 fields as strings, and leaves out zeros. */
static long long get_i64(const bg_json *obj, const char *key)
{
	const char *s = bg_json_get_str(obj, key);
	long long v = 0;

	if (s) {
		return strtoll(s, NULL, 10);
	}
	bg_json_get_int(obj, key, &v);
	return v;
}

static int succeeded(const bg_json *ans)
{
	int ok = 0;

	bg_json_get_bool(ans, "succeeded", &ok);
	return ok;
}

/* The first kv of a range on key: NULL when the key does not exist. */
static int range(bg_store *s, const char *key, bg_json **ans, const bg_json **kv, bg_error *err)
{
	char *k = b64_encode(key), *body;
	int rc;

	*kv = NULL;
	body = k ? bg_asprintf("{\"key\":\"%s\"}", k) : NULL;
	free(k);
	if (!body) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	rc = post(s, "/v3/kv/range", body, ans, err);
	free(body);
	if (rc == 0) {
		*kv = bg_json_at(bg_json_get(*ans, "kvs"), 0);
	}
	return rc;
}

static int e_get(bg_store *s, const char *key, char **value, long long *version, bg_error *err)
{
	const bg_json *kv;
	bg_json *ans;

	if (range(s, key, &ans, &kv, err) < 0) {
		return -1;
	}
	if (kv) {
		*version = get_i64(kv, "mod_revision");
		*value = b64_decode(bg_json_get_str(kv, "value") ? bg_json_get_str(kv, "value") : "");
	}
	bg_json_free(ans);
	return 0;
}

static int e_peek(bg_store *s, const char *slot_key, char **value, bg_error *err)
{
	const bg_json *kv;
	bg_json *ans;
	char *holder;

	*value = NULL;
	if (range(s, slot_key, &ans, &kv, err) < 0) {
		return -1;
	}
	if (kv && (holder = b64_decode(bg_json_get_str(kv, "value") ? bg_json_get_str(kv, "value") : ""))) {
		*value = bg_asprintf("%lld %s", get_i64(kv, "create_revision"), holder);
		free(holder);
	}
	bg_json_free(ans);
	return 0;
}

/* A txn: the compares (JSON, comma-separated), then one put of key=value
 * (with a lease when not 0). *ok whether the compares held; *revision the
 * cluster's revision after it. */
static int txn_put(bg_store *s, const char *compares, const char *key, const char *value, long long lease,
	int *ok, long long *revision, bg_error *err)
{
	char *k = b64_encode(key), *v = b64_encode(value), *body = NULL;
	bg_json *ans;
	int rc;

	if (k && v) {
		body = bg_asprintf("{\"compare\":[%s],\"success\":[{\"request_put\":{\"key\":\"%s\",\"value\":\"%s\","
			"\"lease\":\"%lld\"}}]}", compares, k, v, lease);
	}
	free(k);
	free(v);
	if (!body) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	rc = post(s, "/v3/kv/txn", body, &ans, err);
	free(body);
	if (rc < 0) {
		return -1;
	}
	*ok = succeeded(ans);
	if (revision) {
		*revision = get_i64(bg_json_get(ans, "header"), "revision");
	}
	bg_json_free(ans);
	return 0;
}

/* One compare of a txn on key's target (CREATE or MOD) == rev. */
static char *compare(const char *key, const char *target, const char *field, long long rev)
{
	char *k = b64_encode(key), *c;

	if (!k) {
		return NULL;
	}
	c = bg_asprintf("{\"key\":\"%s\",\"target\":\"%s\",\"result\":\"EQUAL\",\"%s\":\"%lld\"}", k, target, field, rev);
	free(k);
	return c;
}

static int e_put(bg_store *s, const char *key, const char *value, bg_error *err)
{
	int ok;

	return txn_put(s, "", key, value, 0, &ok, NULL, err);
}

static int e_create(bg_store *s, const char *key, const char *value, int *done, bg_error *err)
{
	char *c = compare(key, "CREATE", "create_revision", 0);
	int rc;

	if (!c) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	rc = txn_put(s, c, key, value, 0, done, NULL, err);
	free(c);
	return rc;
}

static int e_cas(bg_store *s, const char *key, long long version, const char *value, const char *slot_key,
	const bg_store_slot *slot, int *done, int *fenced, bg_error *err)
{
	char *mod = compare(key, "MOD", "mod_revision", version), *held = NULL, *both = NULL;
	const bg_json *kv;
	bg_json *ans;
	int rc;

	if (mod && slot_key) {
		held = compare(slot_key, "CREATE", "create_revision", slot->token);
		both = held ? bg_asprintf("%s,%s", mod, held) : NULL;
	}
	if (!mod || (slot_key && !both)) {
		free(mod);
		free(held);
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	rc = txn_put(s, both ? both : mod, key, value, 0, done, NULL, err);
	free(mod);
	free(held);
	free(both);
	if (rc < 0 || *done || !slot_key) {
		return rc;
	}
	/* Not written: the grant lost its slot, or the value moved. */
	if (range(s, slot_key, &ans, &kv, err) < 0) {
		return -1;
	}
	*fenced = !kv || get_i64(kv, "create_revision") != slot->token;
	bg_json_free(ans);
	return 0;
}

static int lease_call(bg_store *s, const char *path, long long id, bg_json **ans, bg_error *err)
{
	char body[64];

	snprintf(body, sizeof(body), "{\"ID\":\"%lld\"}", id);
	return post(s, path, body, ans, err);
}

/* The gate's state: *shut when it holds "1", else its mod_revision (0
 * when absent), for the grant's txn to compare. */
static int read_gate(bg_store *s, const char *gate, int *shut, long long *rev, bg_error *err)
{
	const bg_json *kv;
	bg_json *ans;
	char *value;

	if (range(s, gate, &ans, &kv, err) < 0) {
		return -1;
	}
	*rev = kv ? get_i64(kv, "mod_revision") : 0;
	value = kv ? b64_decode(bg_json_get_str(kv, "value") ? bg_json_get_str(kv, "value") : "") : NULL;
	*shut = value && strcmp(value, "1") == 0;
	free(value);
	bg_json_free(ans);
	return 0;
}

/* One txn: slot key created (bound to lease) only if absent and only if the
 * gate was not written since revision gate_rev. */
static int grant_txn(bg_store *s, const char *key, const char *gate, long long gate_rev, const char *holder,
	long long lease, int *ok, long long *rev, bg_error *err)
{
	char *free_slot = compare(key, "CREATE", "create_revision", 0), *open = compare(gate, "MOD", "mod_revision", gate_rev);
	char *both = free_slot && open ? bg_asprintf("%s,%s", free_slot, open) : NULL;
	int rc;

	free(free_slot);
	free(open);
	if (!both) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	rc = txn_put(s, both, key, holder, lease, ok, rev, err);
	free(both);
	return rc;
}

/* Grants fail when the gate moved, or the slot is held: a few moves of a
 * gate that stays open (pause then resume) are followed, not more. */
#define GATE_TRIES 4

static int e_acquire(bg_store *s, const char *prefix, int n, const char *gate, const char *holder, double ttl_s,
	bg_store_slot *slot, int *got, int *shut, bg_error *err)
{
	char body[64], key[300];
	bg_json *ans;
	long long lease, rev = 0, gate_rev, seen;
	int i, ok = 0, tries = 0;

	if (read_gate(s, gate, shut, &gate_rev, err) < 0 || *shut) {
		return *shut ? 0 : -1;
	}
	/* etcd raises a TTL below its minimum (about 2 s) to it. */
	snprintf(body, sizeof(body), "{\"TTL\":\"%lld\"}", (long long) ceil(ttl_s));
	if (post(s, "/v3/lease/grant", body, &ans, err) < 0) {
		return -1;
	}
	lease = get_i64(ans, "ID");
	bg_json_free(ans);
	for (i = 0; i < n && !ok && !*shut; i++) {
		bg_store_slot_key(key, sizeof(key), prefix, i);
		if (grant_txn(s, key, gate, gate_rev, holder, lease, &ok, &rev, err) < 0) {
			return -1;   /* the lease runs out by itself */
		}
		if (ok) {
			break;
		}
		/* Refused: the slot is held, or the gate was written since read. */
		if (read_gate(s, gate, shut, &seen, err) < 0) {
			return -1;
		}
		if (!*shut && seen != gate_rev && ++tries < GATE_TRIES) {
			gate_rev = seen;
			i--;     /* the same slot again, under the gate as it is now */
		}
	}
	if (!ok) {
		if (lease_call(s, "/v3/lease/revoke", lease, &ans, err) == 0) {
			bg_json_free(ans);
		}
		return 0;
	}
	/* The put is the txn's one write: the revision it made is the key's
	 * create_revision. */
	slot->index = i;
	slot->token = rev;
	slot->lease = lease;
	snprintf(slot->value, sizeof(slot->value), "%lld %s", rev, holder);
	*got = 1;
	return 0;
}

static int e_renew(bg_store *s, const char *slot_key, const bg_store_slot *slot, double ttl_s, int *held,
	bg_error *err)
{
	bg_json *ans;

	/* The lease keeps its TTL: keepalive restarts it, ttl_s was given at the grant. */
	(void) ttl_s;
	if (lease_call(s, "/v3/lease/keepalive", slot->lease, &ans, err) < 0) {
		return -1;
	}
	*held = get_i64(bg_json_get(ans, "result"), "TTL") > 0;
	bg_json_free(ans);
	return 0;
}

static int e_release(bg_store *s, const char *slot_key, const bg_store_slot *slot, bg_error *err)
{
	bg_json *ans;

	(void) slot_key;
	if (lease_call(s, "/v3/lease/revoke", slot->lease, &ans, err) < 0) {
		/* A lease already gone is released. */
		return strstr(err->msg, "not found") ? 0 : -1;
	}
	bg_json_free(ans);
	return 0;
}

const bg_store_ops bg_store_etcd_ops = {
	e_get, e_put, e_create, e_cas, e_acquire, e_renew, e_release, e_peek, e_close
};
