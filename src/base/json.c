#include "base/json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The two-character escapes, letter after the backslash and the byte it
 * stands for, at the same index. The writer never uses '/'. */
static const char bg_json_esc_letter[] = "\"\\/bfnrt";
static const char bg_json_esc_byte[] = "\"\\/\b\f\n\r\t";

/* --- UTF-8 ------------------------------------------------------------------- */

/* The length of the valid UTF-8 sequence at s[0..n) (n >= 1), or minus the
 * length of its maximal invalid subpart (at least 1): the bytes a decoder
 * replaces with one U+FFFD. The range of the second byte depends on the first
 * (table 3-7 of the Unicode standard), which rules out overlong forms,
 * surrogates and code points above U+10FFFF. */
static int bg_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int need, i;

	if (s[0] < 0x80) {
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
	} else {
		return -1;
	}
	if (s[0] == 0xe0) {
		lo = 0xa0;
	} else if (s[0] == 0xed) {
		hi = 0x9f;
	} else if (s[0] == 0xf0) {
		lo = 0x90;
	} else if (s[0] == 0xf4) {
		hi = 0x8f;
	}
	for (i = 1; i < need; i++) {
		if ((size_t) i >= n || s[i] < lo || s[i] > hi) {
			return -i;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return need;
}

/* Encodes a Unicode scalar value; returns the number of bytes (1 to 4). */
static size_t bg_utf8_put(char *d, unsigned cp)
{
	if (cp < 0x80) {
		d[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char) (0xc0 | cp >> 6);
		d[1] = (char) (0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char) (0xe0 | cp >> 12);
		d[1] = (char) (0x80 | (cp >> 6 & 0x3f));
		d[2] = (char) (0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (char) (0xf0 | cp >> 18);
	d[1] = (char) (0x80 | (cp >> 12 & 0x3f));
	d[2] = (char) (0x80 | (cp >> 6 & 0x3f));
	d[3] = (char) (0x80 | (cp & 0x3f));
	return 4;
}

/* --- parser ------------------------------------------------------------------
 * Recursive descent over the buffer. Every node is zeroed when it is added to
 * its parent and owns what it holds from the moment it is allocated, so on any
 * error the parse returns -1 up the stack and the caller frees the whole tree,
 * partial nodes included. */

typedef struct {
	const char *buf;
	size_t len;
	size_t pos;
	int depth;
	const char *name;
	bg_code code;
	bg_error *err;
} bg_jp;

#define BG_JP_EOF (-1)

static int bg_jp_peek(const bg_jp *p)
{
	return p->pos < p->len ? (unsigned char) p->buf[p->pos] : BG_JP_EOF;
}

static int bg_jp_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static void bg_jp_skip_ws(bg_jp *p)
{
	int c;

	while ((c = bg_jp_peek(p)) == ' ' || c == '\t' || c == '\n' || c == '\r') {
		p->pos++;
	}
}

/* Fails with "<name>:<line>:<column>: <what>" for the byte at offset `at`.
 * The line is only counted here, on the way out, so the scanner needs no
 * bookkeeping. */
static int bg_jp_fail(const bg_jp *p, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bg_jp_fail(const bg_jp *p, size_t at, const char *fmt, ...)
{
	char what[256];
	size_t line = 1, line_start = 0, i;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	for (i = 0; i < at; i++) {
		if (p->buf[i] == '\n') {
			line++;
			line_start = i + 1;
		}
	}
	return bg_error_set(p->err, p->code, "%s:%zu:%zu: %s", p->name, line, at - line_start + 1, what);
}

static int bg_jp_oom(const bg_jp *p)
{
	return bg_error_set(p->err, p->code, "%s: out of memory", p->name);
}

/* A byte as a message shows it: 'x' when printable, else its value. */
static const char *bg_jp_describe(int c, char out[16])
{
	if (c == BG_JP_EOF) {
		return "end of input";
	}
	if (c > 0x20 && c < 0x7f) {
		snprintf(out, 16, "'%c'", c);
	} else {
		snprintf(out, 16, "byte 0x%02x", (unsigned) c);
	}
	return out;
}

/* "expected <what>, got <the byte at pos>". */
static int bg_jp_expected(const bg_jp *p, const char *what)
{
	char got[16];

	return bg_jp_fail(p, p->pos, "expected %s, got %s", what, bg_jp_describe(bg_jp_peek(p), got));
}

static int bg_jp_value(bg_jp *p, bg_json *v);

static int bg_jp_literal(bg_jp *p, bg_json *v, const char *word, bg_json_type type, int boolean)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->buf + p->pos, word, n) != 0) {
		return bg_jp_fail(p, p->pos, "expected %s", word);
	}
	p->pos += n;
	v->type = type;
	v->boolean = boolean;
	return 0;
}

static size_t bg_jp_digits(bg_jp *p)
{
	size_t start = p->pos;

	while (bg_jp_is_digit(bg_jp_peek(p))) {
		p->pos++;
	}
	return p->pos - start;
}

/* The number is kept as its text: it is checked against the grammar here,
 * converted only by the lookup that wants an integer, and written back
 * byte for byte. */
static int bg_jp_number(bg_jp *p, bg_json *v)
{
	size_t start = p->pos;
	int c;

	if (bg_jp_peek(p) == '-') {
		p->pos++;
	}
	if (bg_jp_peek(p) == '0') {
		p->pos++;
		if (bg_jp_is_digit(bg_jp_peek(p))) {
			return bg_jp_fail(p, start, "leading zero in number");
		}
	} else if (bg_jp_digits(p) == 0) {
		return bg_jp_expected(p, "a digit");
	}
	if (bg_jp_peek(p) == '.') {
		p->pos++;
		if (bg_jp_digits(p) == 0) {
			return bg_jp_expected(p, "a digit");
		}
	}
	if ((c = bg_jp_peek(p)) == 'e' || c == 'E') {
		p->pos++;
		if ((c = bg_jp_peek(p)) == '+' || c == '-') {
			p->pos++;
		}
		if (bg_jp_digits(p) == 0) {
			return bg_jp_expected(p, "a digit");
		}
	}
	if (!(v->str = malloc(p->pos - start + 1))) {
		return bg_jp_oom(p);
	}
	v->len = p->pos - start;
	memcpy(v->str, p->buf + start, v->len);
	v->str[v->len] = '\0';
	v->type = BG_JSON_NUMBER;
	return 0;
}

/* Finds the closing quote of the string opening at pos. A raw LF ends the
 * search as the end of input does: a JSON string never spans lines, so the
 * quote was forgotten or the file cut short, and the place to show is the
 * opening quote. */
static int bg_jp_string_end(const bg_jp *p, size_t *end)
{
	size_t i = p->pos + 1;

	while (i < p->len && p->buf[i] != '"' && p->buf[i] != '\n') {
		i += p->buf[i] == '\\' ? 2 : 1;
	}
	if (i >= p->len || p->buf[i] == '\n') {
		return bg_jp_fail(p, p->pos, "unterminated string");
	}
	*end = i;
	return 0;
}

/* The code unit of "\uXXXX" at offset at, if the 6 bytes are there before end. */
static int bg_jp_hex4(const bg_jp *p, size_t at, size_t end, unsigned *unit)
{
	size_t i;

	if (end - at < 6 || p->buf[at] != '\\' || p->buf[at + 1] != 'u') {
		return -1;
	}
	*unit = 0;
	for (i = at + 2; i < at + 6; i++) {
		int c = (unsigned char) p->buf[i], d;

		if (bg_jp_is_digit(c)) {
			d = c - '0';
		} else if (c >= 'a' && c <= 'f') {
			d = c - 'a' + 10;
		} else if (c >= 'A' && c <= 'F') {
			d = c - 'A' + 10;
		} else {
			return -1;
		}
		*unit = *unit << 4 | (unsigned) d;
	}
	return 0;
}

/* "\uXXXX", or a UTF-16 surrogate pair "\uD83D\uDE00", as UTF-8 at *d. A
 * surrogate alone encodes no character: refused, so trees hold valid UTF-8. */
static int bg_jp_unicode(bg_jp *p, size_t end, char **d)
{
	size_t at = p->pos;
	unsigned cp, low;

	if (bg_jp_hex4(p, at, end, &cp) < 0) {
		return bg_jp_fail(p, at, "invalid \\u escape, expected 4 hex digits");
	}
	p->pos += 6;
	if (cp >= 0xd800 && cp <= 0xdbff && bg_jp_hex4(p, p->pos, end, &low) == 0
		&& low >= 0xdc00 && low <= 0xdfff) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
		p->pos += 6;
	} else if (cp >= 0xd800 && cp <= 0xdfff) {
		return bg_jp_fail(p, at, "lone surrogate \\u%04X", cp);
	}
	*d += bg_utf8_put(*d, cp);
	return 0;
}

/* The escape at pos, a backslash that bg_jp_string_end() saw followed by a
 * byte before end. */
static int bg_jp_escape(bg_jp *p, size_t end, char **d)
{
	int c = (unsigned char) p->buf[p->pos + 1];
	const char *k = c ? strchr(bg_json_esc_letter, c) : NULL;
	char got[16];

	if (c == 'u') {
		return bg_jp_unicode(p, end, d);
	}
	if (!k) {
		return bg_jp_fail(p, p->pos, "invalid escape, backslash before %s", bg_jp_describe(c, got));
	}
	*(*d)++ = bg_json_esc_byte[k - bg_json_esc_letter];
	p->pos += 2;
	return 0;
}

/* The string at pos, decoded into *out (NUL-terminated, *len without it).
 * Decoding never lengthens: an escape of 2, 6 or 12 bytes gives 1, 1..3 or 4. */
static int bg_jp_string(bg_jp *p, char **out, size_t *len)
{
	size_t end = 0;  /* gcc cannot see that bg_jp_fail() returns -1 */
	char *d;

	if (bg_jp_string_end(p, &end) < 0) {
		return -1;
	}
	if (!(*out = malloc(end - p->pos))) {
		return bg_jp_oom(p);
	}
	d = *out;
	p->pos++;
	while (p->pos < end) {
		const unsigned char *s = (const unsigned char *) p->buf + p->pos;
		int n;

		if (*s == '\\') {
			if (bg_jp_escape(p, end, &d) < 0) {
				return -1;
			}
			continue;
		}
		if (*s < 0x20) {
			return bg_jp_fail(p, p->pos, "unescaped control character 0x%02x in string", *s);
		}
		if ((n = bg_utf8_seq(s, end - p->pos)) < 0) {
			return bg_jp_fail(p, p->pos, "invalid UTF-8 in string");
		}
		memcpy(d, s, (size_t) n);
		d += n;
		p->pos += (size_t) n;
	}
	*d = '\0';
	*len = (size_t) (d - *out);
	p->pos = end + 1;
	return 0;
}

/* Room for one more item in v, zeroed; NULL when out of memory. */
static bg_json *bg_jp_push(bg_jp *p, bg_json *v, size_t *cap)
{
	if (v->n == *cap) {
		size_t want = *cap ? *cap * 2 : 4;
		bg_json *grown = realloc(v->items, want * sizeof(*grown));

		if (!grown) {
			bg_jp_oom(p);
			return NULL;
		}
		v->items = grown;
		*cap = want;
	}
	memset(&v->items[v->n], 0, sizeof(v->items[0]));
	return &v->items[v->n++];
}

/* Past the '[' or '{' at pos. The depth bound keeps the recursion, here and
 * in every function walking a tree, within a small stack. */
static int bg_jp_open(bg_jp *p)
{
	if (p->depth == BG_JSON_MAX_DEPTH) {
		return bg_jp_fail(p, p->pos, "nesting deeper than %d", BG_JSON_MAX_DEPTH);
	}
	p->depth++;
	p->pos++;
	return 0;
}

static void bg_jp_close(bg_jp *p)
{
	p->depth--;
	p->pos++;
}

/* Right after the opening bracket: 0 if the closing one follows (consumed),
 * 1 if an item does. */
static int bg_jp_first(bg_jp *p, int close)
{
	bg_jp_skip_ws(p);
	if (bg_jp_peek(p) == close) {
		bg_jp_close(p);
		return 0;
	}
	return 1;
}

/* After an item: 1 if a ',' announces another, 0 at the closing bracket
 * (consumed), -1 on an error. */
static int bg_jp_next(bg_jp *p, int close)
{
	size_t comma;

	bg_jp_skip_ws(p);
	if (bg_jp_peek(p) == close) {
		bg_jp_close(p);
		return 0;
	}
	if (bg_jp_peek(p) != ',') {
		return bg_jp_expected(p, close == ']' ? "',' or ']'" : "',' or '}'");
	}
	comma = p->pos++;
	bg_jp_skip_ws(p);
	if (bg_jp_peek(p) == close) {
		return bg_jp_fail(p, comma, "trailing comma");
	}
	return 1;
}

static int bg_jp_array(bg_jp *p, bg_json *v)
{
	size_t cap = 0;
	int more;

	v->type = BG_JSON_ARRAY;
	if (bg_jp_open(p) < 0) {
		return -1;
	}
	more = bg_jp_first(p, ']');
	while (more > 0) {
		bg_json *item = bg_jp_push(p, v, &cap);

		if (!item || bg_jp_value(p, item) < 0) {
			return -1;
		}
		more = bg_jp_next(p, ']');
	}
	return more;
}

/* The keys of the object being parsed, as a hash set of member indexes, so
 * that a repeated key is caught where it repeats without a quadratic scan of
 * an object with many members. */
typedef struct {
	size_t *slots;  /* a member's index + 1; 0 for a free slot */
	size_t cap;     /* a power of two, at least twice the members */
} bg_jp_keys;

static size_t bg_jp_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037u;  /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		h = (h ^ (unsigned char) s[i]) * 1099511628211u;
	}
	return (size_t) h;
}

/* Adds member i of obj to the set; 1 if an earlier member has its key. */
static int bg_jp_keys_put(bg_jp_keys *keys, const bg_json *obj, size_t i)
{
	const bg_json *m = &obj->items[i];
	size_t at = bg_jp_hash(m->key, m->key_len) & (keys->cap - 1);

	while (keys->slots[at]) {
		const bg_json *o = &obj->items[keys->slots[at] - 1];

		if (o->key_len == m->key_len && memcmp(o->key, m->key, m->key_len) == 0) {
			return 1;
		}
		at = (at + 1) & (keys->cap - 1);
	}
	keys->slots[at] = i + 1;
	return 0;
}

/* A set twice as large, holding the members before the last (all distinct). */
static int bg_jp_keys_grow(bg_jp_keys *keys, const bg_json *obj)
{
	size_t cap = keys->cap ? keys->cap * 2 : 16, i;
	size_t *slots = calloc(cap, sizeof(*slots));

	if (!slots) {
		return -1;
	}
	free(keys->slots);
	keys->slots = slots;
	keys->cap = cap;
	for (i = 0; i + 1 < obj->n; i++) {
		bg_jp_keys_put(keys, obj, i);
	}
	return 0;
}

/* The key shows in the message when it is short and plain, as in a state file. */
static int bg_jp_duplicate(const bg_jp *p, size_t at, const bg_json *m)
{
	int plain = m->key_len <= 64;
	size_t i;

	for (i = 0; plain && i < m->key_len; i++) {
		unsigned char c = (unsigned char) m->key[i];

		plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
	}
	if (plain) {
		return bg_jp_fail(p, at, "duplicate key \"%s\"", m->key);
	}
	return bg_jp_fail(p, at, "duplicate key");
}

/* Checks the key just parsed, the last member of obj, whose quote is at `at`. */
static int bg_jp_keys_add(bg_jp *p, bg_jp_keys *keys, const bg_json *obj, size_t at)
{
	if (obj->n * 2 > keys->cap && bg_jp_keys_grow(keys, obj) < 0) {
		return bg_jp_oom(p);
	}
	if (bg_jp_keys_put(keys, obj, obj->n - 1)) {
		return bg_jp_duplicate(p, at, &obj->items[obj->n - 1]);
	}
	return 0;
}

/* "key": value, the key's quote at pos. */
static int bg_jp_member(bg_jp *p, bg_json *obj, size_t *cap, bg_jp_keys *keys)
{
	size_t at = p->pos;
	bg_json *m;

	if (bg_jp_peek(p) != '"') {
		return bg_jp_expected(p, "a string key");
	}
	if (!(m = bg_jp_push(p, obj, cap)) || bg_jp_string(p, &m->key, &m->key_len) < 0
		|| bg_jp_keys_add(p, keys, obj, at) < 0) {
		return -1;
	}
	bg_jp_skip_ws(p);
	if (bg_jp_peek(p) != ':') {
		return bg_jp_expected(p, "':'");
	}
	p->pos++;
	return bg_jp_value(p, m);
}

static int bg_jp_object(bg_jp *p, bg_json *v)
{
	bg_jp_keys keys = { NULL, 0 };
	size_t cap = 0;
	int more;

	v->type = BG_JSON_OBJECT;
	if (bg_jp_open(p) < 0) {
		return -1;
	}
	more = bg_jp_first(p, '}');
	while (more > 0) {
		if (bg_jp_member(p, v, &cap, &keys) < 0) {
			more = -1;
			break;
		}
		more = bg_jp_next(p, '}');
	}
	free(keys.slots);
	return more;
}

static int bg_jp_value(bg_jp *p, bg_json *v)
{
	int c;

	bg_jp_skip_ws(p);
	switch (c = bg_jp_peek(p)) {
	case '{':
		return bg_jp_object(p, v);
	case '[':
		return bg_jp_array(p, v);
	case '"':
		v->type = BG_JSON_STRING;
		return bg_jp_string(p, &v->str, &v->len);
	case 't':
		return bg_jp_literal(p, v, "true", BG_JSON_BOOL, 1);
	case 'f':
		return bg_jp_literal(p, v, "false", BG_JSON_BOOL, 0);
	case 'n':
		return bg_jp_literal(p, v, "null", BG_JSON_NULL, 0);
	}
	if (c == '-' || bg_jp_is_digit(c)) {
		return bg_jp_number(p, v);
	}
	return bg_jp_expected(p, "a value");
}

int bg_json_parse(const char *buf, size_t len, const char *name, bg_code code, bg_json **out,
	bg_error *err)
{
	bg_jp p = { buf, len, 0, 0, name, code, err };
	bg_json *root = calloc(1, sizeof(*root));

	*out = NULL;
	if (!root) {
		return bg_jp_oom(&p);
	}
	if (bg_jp_value(&p, root) < 0) {
		goto fail;
	}
	bg_jp_skip_ws(&p);
	if (p.pos < p.len) {
		bg_jp_expected(&p, "end of input");
		goto fail;
	}
	*out = root;
	return 0;
fail:
	bg_json_free(root);
	return -1;
}

/* --- the tree ------------------------------------------------------------------ */

static void bg_json_clear(bg_json *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		bg_json_clear(&v->items[i]);
	}
	free(v->items);
	free(v->str);
	free(v->key);
}

void bg_json_free(bg_json *root)
{
	if (root) {
		bg_json_clear(root);
		free(root);
	}
}

const bg_json *bg_json_get(const bg_json *obj, const char *key)
{
	size_t len, i;

	if (!obj || obj->type != BG_JSON_OBJECT || !key) {
		return NULL;
	}
	len = strlen(key);
	for (i = 0; i < obj->n; i++) {
		if (obj->items[i].key_len == len && memcmp(obj->items[i].key, key, len) == 0) {
			return &obj->items[i];
		}
	}
	return NULL;
}

size_t bg_json_len(const bg_json *v)
{
	return v && (v->type == BG_JSON_ARRAY || v->type == BG_JSON_OBJECT) ? v->n : 0;
}

const bg_json *bg_json_at(const bg_json *v, size_t i)
{
	return i < bg_json_len(v) ? &v->items[i] : NULL;
}

/* A string as a C string; NULL if v is not a string or the string holds a NUL
 * byte, so that a caller never sees a silently truncated value. */
static const char *json_str(const bg_json *v)
{
	if (!v || v->type != BG_JSON_STRING || memchr(v->str, '\0', v->len)) {
		return NULL;
	}
	return v->str;
}

/* 0 and *out set if v is a number written as an integer (-?digits: no
 * fraction, no exponent, so 1.0 and 1e3 are refused) within long long; -1
 * otherwise, *out unchanged. The writer writes integers that way. */
static int json_int(const bg_json *v, long long *out)
{
	int saved = errno;
	long long n;
	char *end;

	if (!v || v->type != BG_JSON_NUMBER) {
		return -1;
	}
	/* The text follows the grammar, so strtoll stops short of its end only
	 * at the '.', 'e' or 'E' of a fraction or an exponent. */
	errno = 0;
	n = strtoll(v->str, &end, 10);
	if (errno == ERANGE || end != v->str + v->len) {
		errno = saved;
		return -1;
	}
	errno = saved;
	*out = n;
	return 0;
}

const char *bg_json_get_str(const bg_json *obj, const char *key)
{
	return json_str(bg_json_get(obj, key));
}

int bg_json_get_int(const bg_json *obj, const char *key, long long *out)
{
	return json_int(bg_json_get(obj, key), out);
}

int bg_json_get_bool(const bg_json *obj, const char *key, int *out)
{
	const bg_json *v = bg_json_get(obj, key);

	if (!v || v->type != BG_JSON_BOOL) {
		return -1;
	}
	*out = v->boolean;
	return 0;
}

/* --- writer -------------------------------------------------------------------- */

void bg_jw_init(bg_json_writer *w)
{
	memset(w, 0, sizeof(*w));
}

void bg_jw_init_compact(bg_json_writer *w)
{
	bg_jw_init(w);
	w->compact = 1;
}

void bg_jw_free(bg_json_writer *w)
{
	free(w->buf);
	bg_jw_init(w);
}

/* Appends, keeping a spare byte for the NUL that finish adds. */
static void bg_jw_put(bg_json_writer *w, const char *s, size_t n)
{
	if (w->oom || w->bad) {
		return;
	}
	if (n >= w->cap - w->len) {
		size_t want = w->cap ? w->cap : 256;
		char *grown;

		while (n >= want - w->len) {
			want *= 2;
		}
		if (!(grown = realloc(w->buf, want))) {
			w->oom = 1;
			return;
		}
		w->buf = grown;
		w->cap = want;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void bg_jw_newline(bg_json_writer *w, int depth)
{
	int i;

	if (w->compact) {
		return;
	}
	bg_jw_put(w, "\n", 1);
	for (i = 0; i < depth; i++) {
		bg_jw_put(w, "  ", 2);
	}
}

/* Before an element or a member: the comma after the previous one, and the
 * item's own line. */
static void bg_jw_separate(bg_json_writer *w)
{
	if (!w->first) {
		bg_jw_put(w, ",", 1);
	}
	bg_jw_newline(w, w->depth);
}

static int bg_jw_in_object(const bg_json_writer *w)
{
	return w->depth > 0 && w->open[w->depth - 1] == '{';
}

/* A value goes after a key, as an array element, or as the one document; -1
 * (and bad set) anywhere else. Out of memory, the calls go on keeping track
 * of the containers so that `bad` only ever means a call out of place. */
static int bg_jw_begin_value(bg_json_writer *w)
{
	if (w->depth == 0 ? w->done : bg_jw_in_object(w) != w->want_value) {
		w->bad = 1;
	} else if (w->depth > 0 && !w->want_value) {
		bg_jw_separate(w);
	}
	return w->bad ? -1 : 0;
}

static void bg_jw_end_value(bg_json_writer *w)
{
	w->first = 0;
	w->want_value = 0;
	if (w->depth == 0) {
		w->done = 1;
	}
}

static void bg_jw_escape(bg_json_writer *w, unsigned char c)
{
	const char *k = memchr(bg_json_esc_byte, c, sizeof(bg_json_esc_byte) - 1);
	char e[8];

	if (k) {
		e[0] = '\\';
		e[1] = bg_json_esc_letter[k - bg_json_esc_byte];
		bg_jw_put(w, e, 2);
	} else {
		snprintf(e, sizeof(e), "\\u%04x", c);
		bg_jw_put(w, e, 6);
	}
}

static void bg_jw_quoted(bg_json_writer *w, const char *s, size_t len)
{
	size_t i = 0;

	bg_jw_put(w, "\"", 1);
	while (i < len) {
		unsigned char c = (unsigned char) s[i];
		int n = bg_utf8_seq((const unsigned char *) s + i, len - i);

		if (n < 0) {
			bg_jw_put(w, "\xef\xbf\xbd", 3);  /* U+FFFD */
			i += (size_t) -n;
		} else if (c < 0x20 || c == '"' || c == '\\') {
			bg_jw_escape(w, c);
			i++;
		} else {
			bg_jw_put(w, s + i, (size_t) n);
			i += (size_t) n;
		}
	}
	bg_jw_put(w, "\"", 1);
}

static void bg_jw_scalar(bg_json_writer *w, const char *text, size_t len)
{
	if (bg_jw_begin_value(w) == 0) {
		bg_jw_put(w, text, len);
		bg_jw_end_value(w);
	}
}

static void bg_jw_string_len(bg_json_writer *w, const char *s, size_t len)
{
	if (bg_jw_begin_value(w) == 0) {
		bg_jw_quoted(w, s, len);
		bg_jw_end_value(w);
	}
}

static void bg_jw_key_len(bg_json_writer *w, const char *key, size_t len)
{
	if (!bg_jw_in_object(w) || w->want_value || !key) {
		w->bad = 1;
		return;
	}
	bg_jw_separate(w);
	bg_jw_quoted(w, key, len);
	bg_jw_put(w, ": ", w->compact ? 1 : 2);
	w->want_value = 1;
}

static void bg_jw_begin(bg_json_writer *w, char open)
{
	if (bg_jw_begin_value(w) < 0) {
		return;
	}
	if (w->depth == BG_JSON_MAX_DEPTH) {
		w->bad = 1;
		return;
	}
	bg_jw_put(w, &open, 1);
	w->open[w->depth++] = open;
	w->first = 1;
	w->want_value = 0;
}

/* An empty container closes on its own line: "[]", "{}". */
static void bg_jw_end(bg_json_writer *w, char open, char close)
{
	if (w->depth == 0 || w->open[w->depth - 1] != open || w->want_value) {
		w->bad = 1;
		return;
	}
	w->depth--;
	if (!w->first) {
		bg_jw_newline(w, w->depth);
	}
	bg_jw_put(w, &close, 1);
	bg_jw_end_value(w);
}

void bg_jw_object_begin(bg_json_writer *w)
{
	bg_jw_begin(w, '{');
}

void bg_jw_object_end(bg_json_writer *w)
{
	bg_jw_end(w, '{', '}');
}

void bg_jw_array_begin(bg_json_writer *w)
{
	bg_jw_begin(w, '[');
}

void bg_jw_array_end(bg_json_writer *w)
{
	bg_jw_end(w, '[', ']');
}

void bg_jw_key(bg_json_writer *w, const char *key)
{
	bg_jw_key_len(w, key, key ? strlen(key) : 0);
}

void bg_jw_string(bg_json_writer *w, const char *s)
{
	if (!s) {
		bg_jw_null(w);
		return;
	}
	bg_jw_string_len(w, s, strlen(s));
}

void bg_jw_int(bg_json_writer *w, long long v)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%lld", v);

	bg_jw_scalar(w, text, (size_t) n);
}

void bg_jw_bool(bg_json_writer *w, int v)
{
	bg_jw_scalar(w, v ? "true" : "false", v ? 4 : 5);
}

void bg_jw_null(bg_json_writer *w)
{
	bg_jw_scalar(w, "null", 4);
}

int bg_jw_finish(bg_json_writer *w, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (w->depth > 0 || !w->done) {
		w->bad = 1;
	}
	bg_jw_put(w, "\n", 1);
	if (w->oom || w->bad) {
		int oom = w->oom, bad = w->bad;

		bg_jw_free(w);
		w->oom = oom;  /* for the caller's message */
		w->bad = bad;
		return -1;
	}
	w->buf[w->len] = '\0';
	*out = w->buf;
	*len = w->len;
	bg_jw_init(w);  /* the buffer is the caller's now */
	return 0;
}
