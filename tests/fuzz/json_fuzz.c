/* libFuzzer target for src/base/json.c; tests/fuzz.sh builds and runs it.
 *
 * Each input is used three ways, and the properties checked are:
 *   - as a document: a failure is an error with the caller's code and a
 *     "fuzz.json:<line>:<column>: " that points inside the input; a tree
 *     holds valid UTF-8 (NUL aside), numbers in the JSON grammar, unique
 *     keys, at most 64 levels, and the lookups agree with it; the tree
 *     written back with bg_jw_value() parses into an equal tree (numbers
 *     compared by their text, which the writer copies), and writing that
 *     tree gives the same bytes again;
 *   - as a string and a key given to the writer: the document parses, and
 *     gives back the same bytes when they were valid UTF-8, else valid UTF-8
 *     with U+FFFD in it;
 *   - as a program of writer calls: bg_jw_finish() fails exactly when a
 *     model of the calls says one was out of place, and otherwise gives a
 *     document that parses and that the writer reproduces byte for byte.
 * The checks use their own UTF-8 decoder and a POSIX regex for numbers, not
 * the module's code. */
#include "base/json.h"
#include "json_harness.h"

#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(cond) require((cond), #cond, __LINE__)

static void require(int ok, const char *what, int line)
{
	if (!ok) {
		fprintf(stderr, "json_fuzz.c:%d: property broken: %s\n", line, what);
		abort();
	}
}

static int valid_utf8(const unsigned char *s, size_t n)
{
	static const uint32_t min[] = { 0, 0x80, 0x800, 0x10000 };
	size_t i = 0, need, k;

	while (i < n) {
		uint32_t cp = s[i];

		if (cp < 0x80) {
			i++;
			continue;
		}
		if ((cp & 0xe0) == 0xc0) {
			need = 1, cp &= 0x1f;
		} else if ((cp & 0xf0) == 0xe0) {
			need = 2, cp &= 0x0f;
		} else if ((cp & 0xf8) == 0xf0) {
			need = 3, cp &= 0x07;
		} else {
			return 0;
		}
		if (n - i <= need) {
			return 0;
		}
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80) {
				return 0;
			}
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min[need] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
			return 0;
		}
		i += need + 1;
	}
	return 1;
}

static int is_json_number(const char *text)
{
	static regex_t re;
	static int compiled;

	if (!compiled) {
		REQUIRE(regcomp(&re, "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?$",
			REG_EXTENDED | REG_NOSUB) == 0);
		compiled = 1;
	}
	return regexec(&re, text, 0, NULL, 0) == 0;
}

static int same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* --- a document ------------------------------------------------------------ */

/* "fuzz.json:<line>:<column>: <what>", the position inside the input. */
static void check_error(const char *buf, size_t len, const bg_error *err)
{
	unsigned long line, col;
	size_t at = 0;
	int used = 0;

	REQUIRE(err->code == BG_ERR_SYSTEM);
	if (strcmp(err->msg, "fuzz.json: out of memory") == 0) {
		return;
	}
	REQUIRE(sscanf(err->msg, "fuzz.json:%lu:%lu: %n", &line, &col, &used) == 2 && used > 0);
	REQUIRE(err->msg[used] != '\0');
	REQUIRE(line >= 1 && col >= 1);
	while (--line > 0) {
		const char *nl = memchr(buf + at, '\n', len - at);

		REQUIRE(nl != NULL);
		at = (size_t) (nl - buf) + 1;
	}
	REQUIRE(col - 1 <= len - at);
	REQUIRE(memchr(buf + at, '\n', col - 1) == NULL);
}

static void check_node(const bg_json *v, int depth)
{
	long long n;
	size_t i, j;

	REQUIRE(depth <= BG_JSON_MAX_DEPTH || (v->type != BG_JSON_ARRAY && v->type != BG_JSON_OBJECT));
	REQUIRE((v->n > 0) == (v->items != NULL));
	switch (v->type) {
	case BG_JSON_NULL:
	case BG_JSON_BOOL:
		REQUIRE(v->str == NULL && v->n == 0 && (v->boolean == 0 || v->boolean == 1));
		break;
	case BG_JSON_NUMBER:
		REQUIRE(v->str && v->str[v->len] == '\0' && strlen(v->str) == v->len && is_json_number(v->str));
		if (bg_json_int(v, &n) == 0) {
			char text[32];

			snprintf(text, sizeof(text), "%lld", n);
			REQUIRE(strcmp(text, v->str) == 0 || (n == 0 && strcmp(v->str, "-0") == 0));
		} else if (!strpbrk(v->str, ".eE")) {
			REQUIRE(strlen(v->str + (v->str[0] == '-')) >= 19);
		}
		break;
	case BG_JSON_STRING:
		REQUIRE(v->str && v->str[v->len] == '\0' && valid_utf8((const unsigned char *) v->str, v->len));
		REQUIRE((bg_json_str(v) != NULL) == (memchr(v->str, '\0', v->len) == NULL));
		break;
	case BG_JSON_ARRAY:
		for (i = 0; i < v->n; i++) {
			REQUIRE(v->items[i].key == NULL && bg_json_at(v, i) == &v->items[i]);
			check_node(&v->items[i], depth + 1);
		}
		break;
	case BG_JSON_OBJECT:
		for (i = 0; i < v->n; i++) {
			const bg_json *m = &v->items[i];

			REQUIRE(m->key && m->key[m->key_len] == '\0');
			REQUIRE(valid_utf8((const unsigned char *) m->key, m->key_len));
			for (j = 0; j < i; j++) {
				REQUIRE(!same_bytes(m->key, m->key_len, v->items[j].key, v->items[j].key_len));
			}
			if (!memchr(m->key, '\0', m->key_len)) {
				REQUIRE(bg_json_get(v, m->key) == m);
			}
			check_node(m, depth + 1);
		}
		break;
	}
	REQUIRE(bg_json_is_null(v) == (v->type == BG_JSON_NULL));
	REQUIRE(bg_json_len(v) == (v->type == BG_JSON_ARRAY || v->type == BG_JSON_OBJECT ? v->n : 0));
}

static void require_equal(const bg_json *a, const bg_json *b)
{
	size_t i;

	REQUIRE(a->type == b->type && a->n == b->n && a->boolean == b->boolean);
	REQUIRE((a->str == NULL) == (b->str == NULL));
	REQUIRE(!a->str || same_bytes(a->str, a->len, b->str, b->len));
	for (i = 0; i < a->n; i++) {
		const bg_json *x = &a->items[i], *y = &b->items[i];

		REQUIRE((x->key == NULL) == (y->key == NULL));
		REQUIRE(!x->key || same_bytes(x->key, x->key_len, y->key, y->key_len));
		require_equal(x, y);
	}
}

/* The document the writer makes of a tree. */
static char *write_tree(const bg_json *root, size_t *len)
{
	bg_json_writer w;
	char *out;

	bg_jw_init(&w);
	bg_jw_value(&w, root);
	REQUIRE(bg_jw_finish(&w, &out, len) == 0);
	REQUIRE(out[*len] == '\0' && *len > 0 && out[*len - 1] == '\n');
	return out;
}

static bg_json *parse_own(const char *buf, size_t len)
{
	bg_json *root;
	bg_error err;

	bg_error_clear(&err);
	if (bg_json_parse(buf, len, "own.json", BG_ERR_SYSTEM, &root, &err) < 0) {
		fprintf(stderr, "the writer's own output does not parse: %s\n---\n%.*s---\n", err.msg,
			(int) len, buf);
		abort();
	}
	return root;
}

static void check_document(const char *buf, size_t size)
{
	bg_json *root, *again;
	bg_error err;
	char *out, *out2;
	size_t len, len2;

	bg_error_clear(&err);
	if (bg_json_parse(buf, size, "fuzz.json", BG_ERR_SYSTEM, &root, &err) < 0) {
		REQUIRE(root == NULL);
		check_error(buf, size, &err);
		return;
	}
	check_node(root, 1);
	out = write_tree(root, &len);
	again = parse_own(out, len);
	require_equal(root, again);
	out2 = write_tree(again, &len2);
	REQUIRE(same_bytes(out, len, out2, len2));
	free(out2);
	free(out);
	bg_json_free(again);
	bg_json_free(root);
}

/* --- a string ------------------------------------------------------------------ */

static void check_string(const char *buf, size_t size)
{
	size_t n = strnlen(buf, size), len;
	char *s = malloc(n + 1), *out;
	const bg_json *v, *k;
	bg_json_writer w;
	bg_json *root;

	REQUIRE(s != NULL);
	memcpy(s, buf, n);
	s[n] = '\0';
	bg_jw_init(&w);
	bg_jw_array_begin(&w);
	bg_jw_string(&w, s);
	bg_jw_object_begin(&w);
	bg_jw_key(&w, s);
	bg_jw_null(&w);
	bg_jw_object_end(&w);
	bg_jw_array_end(&w);
	REQUIRE(bg_jw_finish(&w, &out, &len) == 0);
	root = parse_own(out, len);
	v = bg_json_at(root, 0);
	k = bg_json_at(bg_json_at(root, 1), 0);
	REQUIRE(v && v->type == BG_JSON_STRING && k && bg_json_is_null(k));
	REQUIRE(same_bytes(v->str, v->len, k->key, k->key_len));
	if (valid_utf8((const unsigned char *) s, n)) {
		REQUIRE(same_bytes(v->str, v->len, s, n));
	} else {
		REQUIRE(valid_utf8((const unsigned char *) v->str, v->len));
		REQUIRE(strstr(v->str, "\xef\xbf\xbd") != NULL && v->len <= 3 * n);
	}
	bg_json_free(root);
	free(out);
	free(s);
}

/* --- a program of writer calls ------------------------------------------------ */

/* What bg_jw_finish() should say of the calls made so far. */
typedef struct {
	char open[BG_JSON_MAX_DEPTH + 1];
	int depth;
	int want_value;
	int done;
	int bad;
	unsigned members;  /* keys written: each one gets a distinct suffix */
} model;

static void model_value(model *m)
{
	int in_object = m->depth > 0 && m->open[m->depth - 1] == '{';

	if (m->depth == 0 ? m->done : in_object != m->want_value) {
		m->bad = 1;
	}
	m->want_value = 0;
	m->done |= m->depth == 0;
}

static void model_begin(model *m, char open)
{
	model_value(m);
	m->done = 0;
	if (m->bad || m->depth == BG_JSON_MAX_DEPTH) {
		m->bad = 1;
		return;
	}
	m->open[m->depth++] = open;
}

static void model_end(model *m, char open)
{
	if (m->depth == 0 || m->open[m->depth - 1] != open || m->want_value) {
		m->bad = 1;
		return;
	}
	m->depth--;
	m->done = m->depth == 0;
}

static void model_key(model *m)
{
	if (m->depth == 0 || m->open[m->depth - 1] != '{' || m->want_value) {
		m->bad = 1;
	}
	m->want_value = 1;
}

/* The next up to 16 bytes as a string, NULs made 0x01, with "#<n>" after it
 * when n is not 0 so that the keys of an object never repeat. */
static void take_text(const uint8_t **p, const uint8_t *end, unsigned n, char out[32])
{
	size_t len = *p < end ? (size_t) (**p % 17) : 0, i;

	if (*p < end) {
		(*p)++;
	}
	if (len > (size_t) (end - *p)) {
		len = (size_t) (end - *p);
	}
	for (i = 0; i < len; i++) {
		out[i] = (*p)[i] ? (char) (*p)[i] : '\x01';
	}
	*p += len;
	out[len] = '\0';
	if (n) {
		snprintf(out + len, 32 - len, "#%u", n);
	}
}

static long long take_int(const uint8_t **p, const uint8_t *end)
{
	unsigned long long v = 0;
	int i;

	for (i = 0; i < 8 && *p < end; i++) {
		v = v << 8 | *(*p)++;
	}
	return (long long) v;
}

static void run_call(bg_json_writer *w, model *m, const uint8_t **p, const uint8_t *end)
{
	char text[32];

	switch (*(*p)++ % 9) {
	case 0: bg_jw_object_begin(w); model_begin(m, '{'); break;
	case 1: bg_jw_object_end(w); model_end(m, '{'); break;
	case 2: bg_jw_array_begin(w); model_begin(m, '['); break;
	case 3: bg_jw_array_end(w); model_end(m, '['); break;
	case 4: take_text(p, end, ++m->members, text); bg_jw_key(w, text); model_key(m); break;
	case 5: take_text(p, end, 0, text); bg_jw_string(w, text); model_value(m); break;
	case 6: bg_jw_int(w, take_int(p, end)); model_value(m); break;
	case 7: bg_jw_bool(w, *p < end && (*(*p)++ & 1)); model_value(m); break;
	case 8: bg_jw_null(w); model_value(m); break;
	}
}

static void check_writer_calls(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	bg_json_writer w;
	model m;
	char *out, *out2;
	size_t len, len2;
	bg_json *root;

	memset(&m, 0, sizeof(m));
	bg_jw_init(&w);
	while (p < end) {
		run_call(&w, &m, &p, end);
		REQUIRE(w.bad == m.bad);
	}
	if (bg_jw_finish(&w, &out, &len) < 0) {
		REQUIRE(m.bad || m.depth > 0 || !m.done);
		REQUIRE(w.bad && !w.oom && w.buf == NULL && out == NULL);
		return;
	}
	REQUIRE(!m.bad && m.depth == 0 && m.done);
	root = parse_own(out, len);
	out2 = write_tree(root, &len2);
	REQUIRE(same_bytes(out, len, out2, len2));
	free(out2);
	free(out);
	bg_json_free(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_document((const char *) data, size);
	check_string((const char *) data, size);
	check_writer_calls(data, size);
	return 0;
}
