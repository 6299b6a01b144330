/* Exact-behaviour checks of src/base/json.c, run by tests/fuzz.sh before the
 * fuzzer. Plain C: each case is a function; a failed expectation prints what
 * differs and marks the case failed. Ends with "json: N passed, N failed". */
#include "base/json.h"
#include "json_harness.h"

#include <limits.h>
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Built with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc, as tests/fuzz.sh
 * does, every allocation goes through these and fails once `allocations_left`
 * reaches 0 (-1: no limit). Without the flags __real_malloc is NULL, and the
 * out-of-memory cases say that they were skipped. */
extern void *__real_malloc(size_t n) __attribute__((weak));
extern void *__real_calloc(size_t n, size_t size) __attribute__((weak));
extern void *__real_realloc(void *p, size_t n) __attribute__((weak));
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static long allocations_left = -1;

static int may_allocate(void)
{
	if (allocations_left == 0) {
		return 0;
	}
	if (allocations_left > 0) {
		allocations_left--;
	}
	return 1;
}

void *__wrap_malloc(size_t n)
{
	return may_allocate() ? __real_malloc(n) : NULL;
}

void *__wrap_calloc(size_t n, size_t size)
{
	return may_allocate() ? __real_calloc(n, size) : NULL;
}

void *__wrap_realloc(void *p, size_t n)
{
	return may_allocate() ? __real_realloc(p, n) : NULL;
}

/* The tree of text, or NULL with the error shown. */
static bg_json *parse_at(const char *text, size_t len, int line)
{
	bg_json *root;
	bg_error err;

	bg_error_clear(&err);
	if (bg_json_parse(text, len, "t.json", BG_ERR_SYSTEM, &root, &err) < 0) {
		fprintf(stderr, "    line %d: parse failed: %s\n", line, err.msg);
		case_failed = 1;
		return NULL;
	}
	return root;
}

#define PARSE(text) parse_at((text), strlen(text), __LINE__)

/* Parsing buf[0..len) must fail with exactly msg. */
static void expect_error(const char *buf, size_t len, const char *msg, int line)
{
	bg_json *root = (bg_json *) 1;
	bg_error err;

	bg_error_clear(&err);
	if (bg_json_parse(buf, len, "t.json", BG_ERR_CONFIG, &root, &err) == 0) {
		fprintf(stderr, "    line %d: expected the error %s, got success\n", line, msg);
		case_failed = 1;
		bg_json_free(root);
		return;
	}
	expect(root == NULL, "no tree on failure", line);
	expect(err.code == BG_ERR_CONFIG, "the caller's error code", line);
	expect_str(err.msg, msg, line);
}

#define EXPECT_ERROR(text, msg) expect_error((text), strlen(text), (msg), __LINE__)
#define EXPECT_ERROR_BIN(text, msg) expect_error((text), sizeof(text) - 1, (msg), __LINE__)

/* The document a writer built, or NULL with the failure shown. */
static char *finish_at(bg_json_writer *w, int line)
{
	char *out;
	size_t len;

	if (bg_jw_finish(w, &out, &len) < 0) {
		fprintf(stderr, "    line %d: bg_jw_finish failed (oom %d, bad %d)\n", line, w->oom, w->bad);
		case_failed = 1;
		return NULL;
	}
	expect(strlen(out) == len, "strlen(out) == len", line);
	return out;
}

#define FINISH(w) finish_at((w), __LINE__)

/* The writer must refuse to finish for a call out of place, and hold no
 * memory; it is made ready for the next case. */
static void expect_bad_at(bg_json_writer *w, int line)
{
	char *out = (char *) 1;
	size_t len = 1;

	expect(bg_jw_finish(w, &out, &len) == -1, "bg_jw_finish fails", line);
	expect(out == NULL && len == 0, "no document", line);
	expect(w->buf == NULL && w->len == 0 && w->bad && !w->oom, "bad set, and no memory held", line);
	bg_jw_init(w);
}

#define EXPECT_BAD(w) expect_bad_at((w), __LINE__)

/* The text, parsed and written back with bg_jw_value. */
static char *rewrite_at(const char *text, int line)
{
	bg_json *root = parse_at(text, strlen(text), line);
	bg_json_writer w;
	char *out;

	if (!root) {
		return NULL;
	}
	bg_jw_init(&w);
	bg_jw_value(&w, root);
	bg_json_free(root);
	out = finish_at(&w, line);
	return out;
}

#define REWRITE(text) rewrite_at((text), __LINE__)

/* --- reading ----------------------------------------------------------------- */

static void scalars(void)
{
	static const struct {
		const char *text;
		bg_json_type type;
		const char *str;  /* the number's text, the string's value */
	} cases[] = {
		{ "null", BG_JSON_NULL, NULL },
		{ " true ", BG_JSON_BOOL, NULL },
		{ "\r\n\tfalse\n", BG_JSON_BOOL, NULL },
		{ "0", BG_JSON_NUMBER, "0" },
		{ "-0", BG_JSON_NUMBER, "-0" },
		{ "1.5e3", BG_JSON_NUMBER, "1.5e3" },
		{ "-12.25E-2", BG_JSON_NUMBER, "-12.25E-2" },
		{ "0.5e+10", BG_JSON_NUMBER, "0.5e+10" },
		{ "123456789012345678901234567890", BG_JSON_NUMBER, "123456789012345678901234567890" },
		{ "\"\"", BG_JSON_STRING, "" },
		{ "\"héllo wörld\"", BG_JSON_STRING, "héllo wörld" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bg_json *v = PARSE(cases[i].text);

		if (!v) {
			continue;
		}
		EXPECT(v->type == cases[i].type && v->key == NULL && v->n == 0 && v->items == NULL);
		if (cases[i].str) {
			EXPECT_STR(v->str, cases[i].str);
			EXPECT(v->len == strlen(cases[i].str));
		} else {
			EXPECT(v->str == NULL);
		}
		EXPECT(v->type != BG_JSON_BOOL || v->boolean == (strstr(cases[i].text, "true") != NULL));
		bg_json_free(v);
	}
}

static void containers(void)
{
	bg_json *v = PARSE(" [ 1 , [ ] , { } , [ [ null ] ] , { \"a\" : { \"b\" : [ true ] } } ] ");
	const bg_json *x;

	if (!v) {
		return;
	}
	EXPECT(v->type == BG_JSON_ARRAY && bg_json_len(v) == 5);
	EXPECT(bg_json_at(v, 1)->type == BG_JSON_ARRAY && bg_json_len(bg_json_at(v, 1)) == 0);
	EXPECT(bg_json_at(v, 2)->type == BG_JSON_OBJECT && bg_json_len(bg_json_at(v, 2)) == 0);
	EXPECT(bg_json_is_null(bg_json_at(bg_json_at(bg_json_at(v, 3), 0), 0)));
	x = bg_json_get(bg_json_get(bg_json_at(v, 4), "a"), "b");
	EXPECT(x && x->type == BG_JSON_ARRAY && bg_json_at(x, 0)->boolean == 1);
	EXPECT(bg_json_at(v, 5) == NULL);
	bg_json_free(v);
}

static const char state_doc[] =
	"{\n"
	"  \"version\": 1,\n"
	"  \"live\": {\n"
	"    \"commit\": \"3f2a9c1d0b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a\",\n"
	"    \"path\": \"/srv/app/releases/3f2a9c1\",\n"
	"    \"port\": 9501,\n"
	"    \"since\": 1718000000\n"
	"  },\n"
	"  \"previous\": null,\n"
	"  \"deploy\": {\n"
	"    \"commit\": \"b7c1e0f\",\n"
	"    \"step\": \"build\",\n"
	"    \"started\": 1718000100\n"
	"  },\n"
	"  \"failed\": [\n"
	"    \"0badc0de\",\n"
	"    \"deadbeef\"\n"
	"  ],\n"
	"  \"rollback\": false\n"
	"}\n";

static void state_lookups(void)
{
	bg_json *root = PARSE(state_doc);
	const bg_json *live, *failed;
	long long n = -1;
	int b = -1;

	if (!root) {
		return;
	}
	live = bg_json_get(root, "live");
	EXPECT(bg_json_get_int(root, "version", &n) == 0 && n == 1);
	EXPECT_STR(bg_json_get_str(live, "commit"), "3f2a9c1d0b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a");
	EXPECT_STR(bg_json_get_str(live, "path"), "/srv/app/releases/3f2a9c1");
	EXPECT(bg_json_get_int(live, "port", &n) == 0 && n == 9501);
	EXPECT(bg_json_get_int(live, "since", &n) == 0 && n == 1718000000);
	EXPECT(bg_json_is_null(bg_json_get(root, "previous")));
	EXPECT(!bg_json_is_null(bg_json_get(root, "absent")));
	EXPECT_STR(bg_json_get_str(bg_json_get(root, "deploy"), "step"), "build");
	failed = bg_json_get(root, "failed");
	EXPECT(bg_json_len(failed) == 2);
	EXPECT_STR(bg_json_str(bg_json_at(failed, 1)), "deadbeef");
	EXPECT(bg_json_get_bool(root, "rollback", &b) == 0 && b == 0);
	/* members keep the document's order and their keys */
	EXPECT(bg_json_len(root) == 6);
	EXPECT_STR(bg_json_at(root, 4)->key, "failed");
	EXPECT(bg_json_at(root, 4)->key_len == 6);
	bg_json_free(root);
}

static void lookups_on_the_wrong_thing(void)
{
	bg_json *root = PARSE("{\"s\": \"x\", \"n\": 5, \"a\": [1], \"o\": {}, \"z\": null, \"t\": true}");
	long long n = 42;
	int b = 42;

	if (!root) {
		return;
	}
	EXPECT(bg_json_get(NULL, "s") == NULL && bg_json_get(root, NULL) == NULL);
	EXPECT(bg_json_get(bg_json_get(root, "a"), "s") == NULL);
	EXPECT(bg_json_get_str(root, "n") == NULL && bg_json_get_str(root, "z") == NULL);
	EXPECT(bg_json_get_str(NULL, "s") == NULL && bg_json_get_str(root, "missing") == NULL);
	EXPECT(bg_json_get_int(root, "s", &n) == -1 && bg_json_get_int(root, "t", &n) == -1);
	EXPECT(bg_json_get_int(NULL, "n", &n) == -1 && n == 42);
	EXPECT(bg_json_get_bool(root, "n", &b) == -1 && bg_json_get_bool(root, "z", &b) == -1 && b == 42);
	EXPECT(bg_json_len(NULL) == 0 && bg_json_len(bg_json_get(root, "s")) == 0);
	EXPECT(bg_json_at(NULL, 0) == NULL && bg_json_at(bg_json_get(root, "s"), 0) == NULL);
	EXPECT(bg_json_at(bg_json_get(root, "a"), 1) == NULL);
	EXPECT(bg_json_is_null(NULL) == 0 && bg_json_is_null(bg_json_get(root, "o")) == 0);
	EXPECT(bg_json_str(NULL) == NULL && bg_json_int(NULL, &n) == -1 && bg_json_bool(NULL, &b) == -1);
	bg_json_free(root);
}

static void integers(void)
{
	static const struct {
		const char *text;
		int ok;
		long long value;
	} cases[] = {
		{ "0", 1, 0 },
		{ "-0", 1, 0 },
		{ "9501", 1, 9501 },
		{ "-42", 1, -42 },
		{ "9223372036854775807", 1, LLONG_MAX },
		{ "-9223372036854775808", 1, LLONG_MIN },
		{ "9223372036854775808", 0, 0 },
		{ "-9223372036854775809", 0, 0 },
		{ "100000000000000000000000", 0, 0 },
		{ "1.0", 0, 0 },
		{ "1e3", 0, 0 },
		{ "1E3", 0, 0 },
		{ "-2.5", 0, 0 },
		{ "\"7\"", 0, 0 },
		{ "true", 0, 0 },
		{ "null", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bg_json *v = PARSE(cases[i].text);
		long long n = 7;

		if (!v) {
			continue;
		}
		if (cases[i].ok) {
			EXPECT(bg_json_int(v, &n) == 0 && n == cases[i].value);
		} else {
			EXPECT(bg_json_int(v, &n) == -1 && n == 7);
		}
		bg_json_free(v);
	}
}

static void escapes(void)
{
	bg_json *v = PARSE("\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t \\u0041\\u00e9\\u20AC\\uFFFF end\"");
	static const char want[] = "q\"b\\s/\b\f\n\r\t A\xc3\xa9\xe2\x82\xac\xef\xbf\xbf end";

	if (!v) {
		return;
	}
	EXPECT(v->len == sizeof(want) - 1 && memcmp(v->str, want, v->len) == 0 && v->str[v->len] == '\0');
	EXPECT_STR(bg_json_str(v), want);
	bg_json_free(v);
}

static void surrogate_pairs(void)
{
	bg_json *v = PARSE("[\"\\uD83D\\uDE00\", \"\\ud834\\udd1e\", \"\\uDBFF\\uDFFF\", \"\\uD800\\uDC00\", "
		"\"\xf0\x9f\x98\x80\"]");

	if (!v) {
		return;
	}
	EXPECT_STR(bg_json_str(bg_json_at(v, 0)), "\xf0\x9f\x98\x80");   /* U+1F600 */
	EXPECT_STR(bg_json_str(bg_json_at(v, 1)), "\xf0\x9d\x84\x9e");   /* U+1D11E */
	EXPECT_STR(bg_json_str(bg_json_at(v, 2)), "\xf4\x8f\xbf\xbf");   /* U+10FFFF */
	EXPECT_STR(bg_json_str(bg_json_at(v, 3)), "\xf0\x90\x80\x80");   /* U+10000 */
	EXPECT_STR(bg_json_str(bg_json_at(v, 4)), "\xf0\x9f\x98\x80");   /* raw UTF-8 */
	bg_json_free(v);
}

static void nul_in_strings(void)
{
	bg_json *v = PARSE("{\"a\": \"x\\u0000y\", \"k\\u0000\": 1, \"b\": \"\\u0000\"}");
	const bg_json *a;

	if (!v) {
		return;
	}
	a = bg_json_get(v, "a");
	EXPECT(a && a->type == BG_JSON_STRING && a->len == 3 && memcmp(a->str, "x\0y", 4) == 0);
	EXPECT(bg_json_str(a) == NULL && bg_json_get_str(v, "a") == NULL && bg_json_get_str(v, "b") == NULL);
	/* "k" does not find the key "k\0" */
	EXPECT(bg_json_get(v, "k") == NULL);
	EXPECT(bg_json_at(v, 1)->key_len == 2 && memcmp(bg_json_at(v, 1)->key, "k\0", 3) == 0);
	bg_json_free(v);
}

/* The edges of each row of table 3-7 of the Unicode standard: the parser
 * takes exactly the well-formed sequences, the writer passes them through and
 * replaces each maximal invalid subpart of the others with one U+FFFD. */
static void utf8_boundaries(void)
{
#define R "\xef\xbf\xbd"
	static const struct {
		const char *bytes;
		const char *written;  /* NULL: as is */
	} cases[] = {
		{ "\x7f", NULL },
		{ "\xc2\x80", NULL },
		{ "\xdf\xbf", NULL },
		{ "\xe0\xa0\x80", NULL },
		{ "\xed\x9f\xbf", NULL },             /* U+D7FF */
		{ "\xee\x80\x80", NULL },             /* U+E000 */
		{ "\xef\xbf\xbf", NULL },
		{ "\xf0\x90\x80\x80", NULL },
		{ "\xf4\x8f\xbf\xbf", NULL },         /* U+10FFFF */
		{ "\xc0\x80", R R },                  /* overlong NUL */
		{ "\xc1\xbf", R R },
		{ "\xe0\x9f\xbf", R R R },            /* overlong U+07FF */
		{ "\xed\xa0\x80", R R R },            /* U+D800 */
		{ "\xed\xbf\xbf", R R R },            /* U+DFFF */
		{ "\xf0\x8f\xbf\xbf", R R R R },      /* overlong U+FFFF */
		{ "\xf4\x90\x80\x80", R R R R },      /* U+110000 */
		{ "\xf5\x80\x80\x80", R R R R },
		{ "\xf8\x88\x80\x80\x80", R R R R R },
		{ "\xfe\xff", R R },
		{ "\xbf", R },
		{ "\xe1\x80", R },                    /* cut short */
		{ "\xe1\x80" "A", R "A" },
		{ "\xf1\x80\x80\xe1\x80\xc2", R R R },
	};
#undef R
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *want = cases[i].written ? cases[i].written : cases[i].bytes;
		char doc[64], written[64];
		bg_json_writer w;
		bg_json *v;
		char *out;

		snprintf(doc, sizeof(doc), "\"%s\"", cases[i].bytes);
		if (!cases[i].written) {
			v = PARSE(doc);
			EXPECT(v && strcmp(v->str, cases[i].bytes) == 0);
			bg_json_free(v);
		} else {
			EXPECT_ERROR(doc, "t.json:1:2: invalid UTF-8 in string");
		}
		bg_jw_init(&w);
		bg_jw_string(&w, cases[i].bytes);
		out = FINISH(&w);
		snprintf(written, sizeof(written), "\"%s\"\n", want);
		EXPECT_STR(out, written);
		free(out);
	}
}

static void error_messages(void)
{
	EXPECT_ERROR("", "t.json:1:1: expected a value, got end of input");
	EXPECT_ERROR("   \n  ", "t.json:2:3: expected a value, got end of input");
	EXPECT_ERROR("{", "t.json:1:2: expected a string key, got end of input");
	EXPECT_ERROR("{\"live\": {\"port\": 9501", "t.json:1:23: expected ',' or '}', got end of input");
	EXPECT_ERROR("[1,]", "t.json:1:3: trailing comma");
	EXPECT_ERROR("{\"a\": 1,\n}", "t.json:1:8: trailing comma");
	EXPECT_ERROR("[\"a\" , ,1]", "t.json:1:8: expected a value, got ','");
	EXPECT_ERROR("[1 2]", "t.json:1:4: expected ',' or ']', got '2'");
	EXPECT_ERROR("[1}", "t.json:1:3: expected ',' or ']', got '}'");
	EXPECT_ERROR("{\"a\" 1}", "t.json:1:6: expected ':', got '1'");
	EXPECT_ERROR("{\"a\": 1 \"b\": 2}", "t.json:1:9: expected ',' or '}', got '\"'");
	EXPECT_ERROR("{1: 2}", "t.json:1:2: expected a string key, got '1'");
	EXPECT_ERROR("{\"a\": 1, ]", "t.json:1:10: expected a string key, got ']'");
	EXPECT_ERROR("{'a': 1}", "t.json:1:2: expected a string key, got '''");
	EXPECT_ERROR("[01]", "t.json:1:2: leading zero in number");
	EXPECT_ERROR("-01", "t.json:1:1: leading zero in number");
	EXPECT_ERROR("[-]", "t.json:1:3: expected a digit, got ']'");
	EXPECT_ERROR("1.", "t.json:1:3: expected a digit, got end of input");
	EXPECT_ERROR("1.e5", "t.json:1:3: expected a digit, got 'e'");
	EXPECT_ERROR("1e+", "t.json:1:4: expected a digit, got end of input");
	EXPECT_ERROR(".5", "t.json:1:1: expected a value, got '.'");
	EXPECT_ERROR("+1", "t.json:1:1: expected a value, got '+'");
	EXPECT_ERROR("0x10", "t.json:1:2: expected end of input, got 'x'");
	EXPECT_ERROR("tru", "t.json:1:1: expected true");
	EXPECT_ERROR("[nul]", "t.json:1:2: expected null");
	EXPECT_ERROR("True", "t.json:1:1: expected a value, got 'T'");
	EXPECT_ERROR("{} x", "t.json:1:4: expected end of input, got 'x'");
	EXPECT_ERROR("[] []", "t.json:1:4: expected end of input, got '['");
	EXPECT_ERROR("[1]\n\n  ]", "t.json:3:3: expected end of input, got ']'");
	EXPECT_ERROR("\"abc", "t.json:1:1: unterminated string");
	EXPECT_ERROR("\"abc\\", "t.json:1:1: unterminated string");
	EXPECT_ERROR("{\n  \"a\": \"abc\n}", "t.json:2:8: unterminated string");
	EXPECT_ERROR("\"a\tb\"", "t.json:1:3: unescaped control character 0x09 in string");
	EXPECT_ERROR("\"\\x\"", "t.json:1:2: invalid escape, backslash before 'x'");
	EXPECT_ERROR("\"\\\xc3\xa9\"", "t.json:1:2: invalid escape, backslash before byte 0xc3");
	EXPECT_ERROR("\"\\u12\"", "t.json:1:2: invalid \\u escape, expected 4 hex digits");
	EXPECT_ERROR("\"\\u12G4\"", "t.json:1:2: invalid \\u escape, expected 4 hex digits");
	EXPECT_ERROR("\"\\U0041\"", "t.json:1:2: invalid escape, backslash before 'U'");
	EXPECT_ERROR("\"\\uD800\"", "t.json:1:2: lone surrogate \\uD800");
	EXPECT_ERROR("\"\\udc00\\ud800\"", "t.json:1:2: lone surrogate \\uDC00");
	EXPECT_ERROR("\"a\\uD83D\\u0041\"", "t.json:1:3: lone surrogate \\uD83D");
	EXPECT_ERROR("\"\\uD83D\\uD83D\\uDE00\"", "t.json:1:2: lone surrogate \\uD83D");
	EXPECT_ERROR("\"\\uD83D\\n\"", "t.json:1:2: lone surrogate \\uD83D");
	EXPECT_ERROR("\"\\uD83D\\uDE0\"", "t.json:1:2: lone surrogate \\uD83D");
	EXPECT_ERROR("\"\xff\"", "t.json:1:2: invalid UTF-8 in string");
	EXPECT_ERROR("\"ok \xc0\xaf\"", "t.json:1:5: invalid UTF-8 in string");          /* overlong '/' */
	EXPECT_ERROR("\"\xed\xa0\x80\"", "t.json:1:2: invalid UTF-8 in string");          /* U+D800 */
	EXPECT_ERROR("\"\xf4\x90\x80\x80\"", "t.json:1:2: invalid UTF-8 in string");      /* > U+10FFFF */
	EXPECT_ERROR("\"\xe2\x82\"", "t.json:1:2: invalid UTF-8 in string");              /* cut short */
	EXPECT_ERROR("\"\x80\"", "t.json:1:2: invalid UTF-8 in string");
	EXPECT_ERROR("\xef\xbb\xbf{}", "t.json:1:1: expected a value, got byte 0xef");     /* BOM */
	EXPECT_ERROR("{\"a\": 1, \"a\": 2}", "t.json:1:10: duplicate key \"a\"");
	/* the column counts bytes: "é" is two */
	EXPECT_ERROR("[\"\xc3\xa9\" x]", "t.json:1:7: expected ',' or ']', got 'x'");
	EXPECT_ERROR("{\r\n  \"a\": tru\r\n}", "t.json:2:8: expected true");
}

static void binary_input(void)
{
	EXPECT_ERROR_BIN("[1,\0]", "t.json:1:4: expected a value, got byte 0x00");
	EXPECT_ERROR_BIN("{}\0", "t.json:1:3: expected end of input, got byte 0x00");
	EXPECT_ERROR_BIN("\"a\0b\"", "t.json:1:3: unescaped control character 0x00 in string");
	EXPECT_ERROR_BIN("\0", "t.json:1:1: expected a value, got byte 0x00");
	EXPECT_ERROR_BIN("\x7f" "ELF\x02\x01\x01", "t.json:1:1: expected a value, got byte 0x7f");
	EXPECT_ERROR_BIN("\"\\\0\"", "t.json:1:2: invalid escape, backslash before byte 0x00");
	/* the parser reads len bytes, not up to a NUL */
	{
		bg_json *v = parse_at("[1]\0garbage", 3, __LINE__);

		EXPECT(v && bg_json_len(v) == 1);
		bg_json_free(v);
	}
}

/* Every cut of a state file, as a writer killed mid-way would leave it, is an
 * error and not a shorter document. */
static void truncated_files_fail(void)
{
	size_t len = strlen(state_doc), i;

	for (i = 0; i < len - 1; i++) {
		bg_json *root = (bg_json *) 1;
		bg_error err;

		bg_error_clear(&err);
		if (bg_json_parse(state_doc, i, "t.json", BG_ERR_SYSTEM, &root, &err) == 0) {
			fprintf(stderr, "    a cut at byte %zu parsed\n", i);
			case_failed = 1;
			bg_json_free(root);
			continue;
		}
		EXPECT(root == NULL && strncmp(err.msg, "t.json:", 7) == 0);
	}
	bg_json_free(parse_at(state_doc, len - 1, __LINE__));  /* without the final newline */
}

static char *nested(const char *open, int depth, const char *close)
{
	size_t lo = strlen(open), lc = strlen(close);
	char *s = malloc((lo + lc) * (size_t) depth + 2), *p = s;
	int i;

	for (i = 0; i < depth; i++) {
		memcpy(p, open, lo);
		p += lo;
	}
	*p++ = '1';
	for (i = 0; i < depth; i++) {
		memcpy(p, close, lc);
		p += lc;
	}
	*p = '\0';
	return s;
}

static void nesting_limit(void)
{
	char *ok = nested("[", BG_JSON_MAX_DEPTH, "]");
	char *deep = nested("[", BG_JSON_MAX_DEPTH + 1, "]");
	char *objects = nested("{\"a\":", BG_JSON_MAX_DEPTH, "}");
	char *deep_objects = nested("{\"a\":", BG_JSON_MAX_DEPTH + 1, "}");
	char *huge = nested("[", 100000, "]");

	bg_json_free(PARSE(ok));
	bg_json_free(PARSE(objects));
	EXPECT_ERROR(deep, "t.json:1:65: nesting deeper than 64");
	EXPECT_ERROR(deep_objects, "t.json:1:321: nesting deeper than 64");
	EXPECT_ERROR(huge, "t.json:1:65: nesting deeper than 64");
	free(ok);
	free(deep);
	free(objects);
	free(deep_objects);
	free(huge);
}

static void duplicate_keys(void)
{
	char buf[64 * 1024], *p = buf;
	int i;

	EXPECT_ERROR("{\n  \"live\": {},\n  \"previous\": {},\n  \"live\": null\n}",
		"t.json:4:3: duplicate key \"live\"");
	/* equal after decoding */
	EXPECT_ERROR("{\"port\": 1, \"p\\u006frt\": 2}", "t.json:1:13: duplicate key \"port\"");
	/* shown only when plain */
	EXPECT_ERROR("{\"a\\u0000b\": 1, \"a\\u0000b\": 2}", "t.json:1:17: duplicate key");
	EXPECT_ERROR("{\"a\\\"\": 1, \"a\\\"\": 2}", "t.json:1:12: duplicate key");
	/* the same key in different objects, and keys equal up to a NUL, are fine */
	bg_json_free(PARSE("{\"a\": {\"a\": 1}, \"b\": {\"a\": 2}, \"a\\u0000b\": 3, \"a\\u0000c\": 4}"));

	/* many members: the key set grows, and still finds the one repeated */
	p += sprintf(p, "{");
	for (i = 0; i < 1000; i++) {
		p += sprintf(p, "\"k%d\":%d,", i, i);
	}
	strcpy(p, "\"k999x\":0}");
	{
		bg_json *v = PARSE(buf);
		long long n = 0;

		EXPECT(bg_json_len(v) == 1001 && bg_json_get_int(v, "k777", &n) == 0 && n == 777);
		bg_json_free(v);
	}
	strcpy(p, "\"k500\":0}");
	EXPECT_ERROR(buf, "t.json:1:10782: duplicate key \"k500\"");
}

/* --- writing ------------------------------------------------------------------ */

static void write_state(bg_json_writer *w)
{
	bg_jw_object_begin(w);
	bg_jw_key(w, "version");
	bg_jw_int(w, 1);
	bg_jw_key(w, "live");
	bg_jw_object_begin(w);
	bg_jw_key(w, "commit");
	bg_jw_string(w, "3f2a9c1d0b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a");
	bg_jw_key(w, "path");
	bg_jw_string(w, "/srv/app/releases/3f2a9c1");
	bg_jw_key(w, "port");
	bg_jw_int(w, 9501);
	bg_jw_key(w, "since");
	bg_jw_int(w, 1718000000);
	bg_jw_object_end(w);
	bg_jw_key(w, "previous");
	bg_jw_string(w, NULL);
	bg_jw_key(w, "deploy");
	bg_jw_object_begin(w);
	bg_jw_key(w, "commit");
	bg_jw_string(w, "b7c1e0f");
	bg_jw_key(w, "step");
	bg_jw_string(w, "build");
	bg_jw_key(w, "started");
	bg_jw_int(w, 1718000100);
	bg_jw_object_end(w);
	bg_jw_key(w, "failed");
	bg_jw_array_begin(w);
	bg_jw_string(w, "0badc0de");
	bg_jw_string(w, "deadbeef");
	bg_jw_array_end(w);
	bg_jw_key(w, "rollback");
	bg_jw_bool(w, 0);
	bg_jw_object_end(w);
}

static void writer_state_document(void)
{
	bg_json_writer w;
	char *out;

	bg_jw_init(&w);
	write_state(&w);
	out = FINISH(&w);
	EXPECT_STR(out, state_doc);
	EXPECT(w.buf == NULL && w.len == 0);
	bg_jw_free(&w);  /* harmless after finish */
	free(out);
}

static void writer_empty_and_scalars(void)
{
	bg_json_writer w;
	char *out;

	bg_jw_init(&w);
	bg_jw_object_begin(&w);
	bg_jw_key(&w, "a");
	bg_jw_array_begin(&w);
	bg_jw_array_end(&w);
	bg_jw_key(&w, "o");
	bg_jw_object_begin(&w);
	bg_jw_object_end(&w);
	bg_jw_key(&w, "nested");
	bg_jw_array_begin(&w);
	bg_jw_array_begin(&w);
	bg_jw_int(&w, LLONG_MIN);
	bg_jw_array_end(&w);
	bg_jw_object_begin(&w);
	bg_jw_object_end(&w);
	bg_jw_bool(&w, 7);
	bg_jw_null(&w);
	bg_jw_array_end(&w);
	bg_jw_key(&w, "");
	bg_jw_int(&w, LLONG_MAX);
	bg_jw_object_end(&w);
	out = FINISH(&w);
	EXPECT_STR(out,
		"{\n"
		"  \"a\": [],\n"
		"  \"o\": {},\n"
		"  \"nested\": [\n"
		"    [\n"
		"      -9223372036854775808\n"
		"    ],\n"
		"    {},\n"
		"    true,\n"
		"    null\n"
		"  ],\n"
		"  \"\": 9223372036854775807\n"
		"}\n");
	free(out);

	/* the writer is ready again after finish */
	bg_jw_string(&w, "just a string");
	out = FINISH(&w);
	EXPECT_STR(out, "\"just a string\"\n");
	free(out);
	bg_jw_object_begin(&w);
	bg_jw_object_end(&w);
	out = FINISH(&w);
	EXPECT_STR(out, "{}\n");
	free(out);
}

static void writer_escaping(void)
{
	bg_json_writer w;
	char *out;

	bg_jw_init(&w);
	bg_jw_object_begin(&w);
	bg_jw_key(&w, "k\"\\\n");
	bg_jw_string(&w, "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	bg_jw_object_end(&w);
	out = FINISH(&w);
	EXPECT_STR(out, "{\n  \"k\\\"\\\\\\n\": \"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f \xc3\xa9 "
		"\xe2\x82\xac \xf0\x9f\x98\x80\"\n}\n");
	free(out);
}

/* Each maximal invalid subpart becomes one U+FFFD, in keys as in values. */
static void writer_invalid_utf8(void)
{
	bg_json_writer w;
	char *out;

	bg_jw_init(&w);
	bg_jw_array_begin(&w);
	bg_jw_string(&w, "a\xff" "b\xe2\x82" "c\xed\xa0\x80" "d\xc0\xaf" "e\xf4\x90\x80\x80" "f\xf0\x9f\x98");
	bg_jw_object_begin(&w);
	bg_jw_key(&w, "\x80k");
	bg_jw_null(&w);
	bg_jw_object_end(&w);
	bg_jw_array_end(&w);
	out = FINISH(&w);
#define R "\xef\xbf\xbd"
	EXPECT_STR(out, "[\n  \"a" R "b" R "c" R R R "d" R R "e" R R R R "f" R "\",\n  {\n    \"" R "k\": null\n  }\n]\n");
#undef R
	free(out);
}

static void writer_misuse(void)
{
	bg_json_writer w;
	char *out;
	int i;

	bg_jw_init(&w);
	EXPECT_BAD(&w);                 /* nothing written */
	bg_jw_object_begin(&w);
	EXPECT_BAD(&w);                 /* not closed */
	bg_jw_array_begin(&w);
	bg_jw_key(&w, "a");             /* a key in an array */
	bg_jw_array_end(&w);
	EXPECT(w.bad);
	EXPECT_BAD(&w);
	bg_jw_object_begin(&w);
	bg_jw_int(&w, 1);               /* a value without its key */
	bg_jw_object_end(&w);
	EXPECT_BAD(&w);
	bg_jw_object_begin(&w);
	bg_jw_key(&w, "a");
	bg_jw_object_end(&w);           /* a key without its value */
	EXPECT_BAD(&w);
	bg_jw_object_begin(&w);
	bg_jw_key(&w, "a");
	bg_jw_key(&w, "b");             /* two keys in a row */
	bg_jw_null(&w);
	bg_jw_object_end(&w);
	EXPECT_BAD(&w);
	bg_jw_object_begin(&w);
	bg_jw_array_end(&w);            /* the wrong end */
	EXPECT_BAD(&w);
	bg_jw_array_begin(&w);
	bg_jw_array_end(&w);
	bg_jw_array_end(&w);            /* an end with nothing open */
	EXPECT_BAD(&w);
	bg_jw_int(&w, 1);
	bg_jw_int(&w, 2);               /* two documents */
	EXPECT_BAD(&w);
	bg_jw_key(&w, "a");             /* a key at the top */
	bg_jw_int(&w, 1);
	EXPECT_BAD(&w);
	bg_jw_object_begin(&w);
	bg_jw_key(&w, NULL);
	bg_jw_null(&w);
	bg_jw_object_end(&w);
	EXPECT_BAD(&w);
	for (i = 0; i <= BG_JSON_MAX_DEPTH; i++) {
		bg_jw_array_begin(&w);
	}
	EXPECT(w.bad && w.depth == BG_JSON_MAX_DEPTH);
	for (i = 0; i <= BG_JSON_MAX_DEPTH; i++) {
		bg_jw_array_end(&w);
	}
	EXPECT_BAD(&w);
	for (i = 0; i < BG_JSON_MAX_DEPTH; i++) {
		bg_jw_array_begin(&w);
	}
	for (i = 0; i < BG_JSON_MAX_DEPTH; i++) {
		bg_jw_array_end(&w);
	}
	out = FINISH(&w);  /* 64 levels are fine, and read back */
	EXPECT(out && strncmp(out, "[\n  [\n    [\n", 12) == 0);
	bg_json_free(out ? PARSE(out) : NULL);
	free(out);

	/* abandoning a writer half-way frees it */
	bg_jw_array_begin(&w);
	write_state(&w);
	EXPECT(w.len > 0 && !w.bad && w.depth == 1);
	bg_jw_free(&w);
	EXPECT(w.buf == NULL && w.len == 0 && w.depth == 0);
}

/* --- round trips ----------------------------------------------------------------- */

static void writer_to_parser(void)
{
	static const long long ints[] = { 0, -1, 1, 9501, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1 };
	char every[128], key[] = "k\x01\x1f\"\\/\xe2\x82\xac";
	bg_json_writer w;
	bg_json *root;
	const bg_json *a;
	char *out;
	size_t i;

	for (i = 1; i < sizeof(every); i++) {
		every[i - 1] = (char) i;
	}
	every[sizeof(every) - 1] = '\0';
	bg_jw_init(&w);
	bg_jw_object_begin(&w);
	bg_jw_key(&w, "ints");
	bg_jw_array_begin(&w);
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		bg_jw_int(&w, ints[i]);
	}
	bg_jw_array_end(&w);
	bg_jw_key(&w, "ascii");
	bg_jw_string(&w, every);
	bg_jw_key(&w, key);
	bg_jw_string(&w, "\xf0\x9f\x98\x80\xef\xbf\xbf\xc2\x80");
	bg_jw_key(&w, "t");
	bg_jw_bool(&w, 1);
	bg_jw_object_end(&w);
	out = FINISH(&w);
	if (!out || !(root = PARSE(out))) {
		free(out);
		return;
	}
	a = bg_json_get(root, "ints");
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		long long n;

		EXPECT(bg_json_int(bg_json_at(a, i), &n) == 0 && n == ints[i]);
	}
	EXPECT_STR(bg_json_get_str(root, "ascii"), every);
	EXPECT_STR(bg_json_get_str(root, key), "\xf0\x9f\x98\x80\xef\xbf\xbf\xc2\x80");
	EXPECT(bg_json_at(root, 2)->key_len == strlen(key));
	EXPECT(bg_json_get(root, "t")->boolean == 1);
	bg_json_free(root);
	free(out);
}

/* A parsed tree written back: numbers keep their text, strings their bytes
 * (NUL included), and the output is a fixed point. */
static void tree_to_writer(void)
{
	static const char compact[] =
		"{\"n\":[1.5e3,-0,0.25E+2,12345678901234567890123],\"s\":\"a\\/b\\u0000c\\ud83d\\ude00\","
		"\"k\\u0001\":{},\"e\":[],\"z\":[null,true,false,{\"x\":{\"y\":[]}}]}";
	static const char want[] =
		"{\n"
		"  \"n\": [\n"
		"    1.5e3,\n"
		"    -0,\n"
		"    0.25E+2,\n"
		"    12345678901234567890123\n"
		"  ],\n"
		"  \"s\": \"a/b\\u0000c\xf0\x9f\x98\x80\",\n"
		"  \"k\\u0001\": {},\n"
		"  \"e\": [],\n"
		"  \"z\": [\n"
		"    null,\n"
		"    true,\n"
		"    false,\n"
		"    {\n"
		"      \"x\": {\n"
		"        \"y\": []\n"
		"      }\n"
		"    }\n"
		"  ]\n"
		"}\n";
	char *once = REWRITE(compact), *twice;

	EXPECT_STR(once, want);
	if (once) {
		twice = REWRITE(once);
		EXPECT_STR(twice, want);
		free(twice);
	}
	free(once);
	once = REWRITE(state_doc);
	EXPECT_STR(once, state_doc);
	free(once);
	once = REWRITE(" 42 ");
	EXPECT_STR(once, "42\n");
	free(once);
	{
		bg_json_writer w;

		bg_jw_init(&w);
		bg_jw_value(&w, NULL);
		once = FINISH(&w);
		EXPECT_STR(once, "null\n");
		free(once);
	}
}

/* --- out of memory ------------------------------------------------------------------ */

static int can_fail_allocations(void)
{
	if (!__real_malloc) {
		fprintf(stderr, "    skipped: not linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc\n");
	}
	return __real_malloc != NULL;
}

/* Each allocation of a parse fails in turn: a clean error every time, and no
 * leak (LeakSanitizer looks at exit). The document has more than 8 members
 * and more than 4 elements, so that the key set and the arrays grow. */
static void parse_out_of_memory(void)
{
	static const char doc[] =
		"{\"a\": [1, 2.5, \"x\", null, true, [], {}], \"b\": 1, \"c\": \"\\u00e9\", \"d\": 4, \"e\": 5, "
		"\"f\": 6, \"g\": 7, \"h\": 8, \"i\": {\"j\": [\"k\"]}, \"l\": -1e3}";
	long n;

	if (!can_fail_allocations()) {
		return;
	}
	for (n = 0; n < 1000; n++) {
		bg_json *root = (bg_json *) 1;
		bg_error err;
		int rc;

		bg_error_clear(&err);
		allocations_left = n;
		rc = bg_json_parse(doc, strlen(doc), "t.json", BG_ERR_SYSTEM, &root, &err);
		allocations_left = -1;
		if (rc == 0) {
			EXPECT(n > 20 && bg_json_len(root) == 10);
			bg_json_free(root);
			return;
		}
		EXPECT(root == NULL && err.code == BG_ERR_SYSTEM);
		EXPECT_STR(err.msg, "t.json: out of memory");
	}
	EXPECT(!"a parse that ends");
}

static void writer_out_of_memory(void)
{
	long n;
	int i;

	if (!can_fail_allocations()) {
		return;
	}
	for (n = 0; n < 1000; n++) {
		bg_json_writer w;
		char *out = (char *) 1;
		size_t len = 1;
		int rc;

		bg_jw_init(&w);
		allocations_left = n;
		bg_jw_array_begin(&w);
		for (i = 0; i < 8; i++) {     /* past the first 256 bytes, twice */
			write_state(&w);
		}
		bg_jw_array_end(&w);
		EXPECT(!w.bad);
		rc = bg_jw_finish(&w, &out, &len);
		allocations_left = -1;
		if (rc == 0) {
			EXPECT(n >= 3 && len > 2048);
			free(out);
			return;
		}
		EXPECT(out == NULL && len == 0 && w.buf == NULL && w.oom && !w.bad);
	}
	EXPECT(!"a writer that finishes");
}

int main(void)
{
	static const check_case cases[] = {
		{ "scalars", scalars },
		{ "containers", containers },
		{ "a state file, read with the lookups", state_lookups },
		{ "lookups on absent or other types", lookups_on_the_wrong_thing },
		{ "integers", integers },
		{ "escapes", escapes },
		{ "surrogate pairs", surrogate_pairs },
		{ "\\u0000 in strings and keys", nul_in_strings },
		{ "UTF-8 boundaries", utf8_boundaries },
		{ "error messages", error_messages },
		{ "binary input", binary_input },
		{ "truncated files fail", truncated_files_fail },
		{ "nesting limit", nesting_limit },
		{ "duplicate keys", duplicate_keys },
		{ "writer: a state file", writer_state_document },
		{ "writer: empty containers and scalars", writer_empty_and_scalars },
		{ "writer: escaping", writer_escaping },
		{ "writer: invalid UTF-8 becomes U+FFFD", writer_invalid_utf8 },
		{ "writer: calls out of place", writer_misuse },
		{ "round trip: writer to parser", writer_to_parser },
		{ "round trip: tree to writer", tree_to_writer },
		{ "out of memory while parsing", parse_out_of_memory },
		{ "out of memory while writing", writer_out_of_memory },
	};
	return run_cases("json", cases, sizeof(cases) / sizeof(cases[0]));
}
