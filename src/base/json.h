/* bluegreen core: a small JSON reader and writer, for the releaser's state file.
 *
 * The state file is written whole at each deploy step and read at each call;
 * an operator may read or hand-edit it, and a killed process (or someone
 * else) may leave it truncated. So the reader is strict RFC 8259 and says
 * where a document goes wrong, and the writer pretty-prints.
 *
 * Reading: bg_json_parse() builds a tree of bg_json nodes. Beyond RFC 8259's
 * grammar it refuses:
 *   - invalid UTF-8 anywhere, and \u escapes that are not Unicode scalar
 *     values (a lone surrogate): a tree holds valid UTF-8 only, except that
 *     a string may hold NUL bytes written \u0000;
 *   - a byte order mark, and nesting deeper than BG_JSON_MAX_DEPTH;
 *   - an object with a key twice: a hand-edit that copies a key would
 *     otherwise silently win or lose, so this is an error, not "last wins".
 * Errors carry the caller's code and a message "<name>:<line>:<column>: <what>",
 * line and column 1-based, the column counted in bytes.
 *
 * The lookups take NULL for "absent" and give NULL or -1 for "absent or not
 * of that type", so that a known schema reads without a check per level:
 *   bg_json_get_int(bg_json_get(root, "live"), "port", &port) */
#ifndef BG_JSON_H
#define BG_JSON_H

#include "base/error.h"

#include <stddef.h>

#define BG_JSON_MAX_DEPTH 64

typedef enum {
	BG_JSON_NULL,
	BG_JSON_BOOL,
	BG_JSON_NUMBER,
	BG_JSON_STRING,
	BG_JSON_ARRAY,
	BG_JSON_OBJECT
} bg_json_type;

/* A node of a parsed document; read-only for callers. */
typedef struct bg_json bg_json;
struct bg_json {
	bg_json_type type;
	int boolean;        /* BG_JSON_BOOL: 0 or 1 */
	char *str;          /* STRING: the decoded bytes; NUMBER: its text as written, e.g. "-1.5e3";
	                     * NUL-terminated; NULL for other types */
	size_t len;         /* bytes in str, without the terminating NUL */
	bg_json *items;     /* ARRAY: the elements; OBJECT: the members; in document order */
	size_t n;           /* number of items */
	char *key;          /* a member of an object: its key, NUL-terminated; NULL otherwise */
	size_t key_len;
};

/* Parses buf[0..len) (any bytes) into a tree for bg_json_free(). `name` labels
 * the messages (the file path) and must not be NULL; `code` is the error code
 * of every failure, out of memory included. On failure *out is NULL. */
int bg_json_parse(const char *buf, size_t len, const char *name, bg_code code, bg_json **out,
	bg_error *err);
void bg_json_free(bg_json *root);

/* The member `key` of an object; NULL if absent or obj is not an object. */
const bg_json *bg_json_get(const bg_json *obj, const char *key);

/* Elements of an array, members of an object (their key in ->key); 0 and NULL
 * for anything else or out of range. */
size_t bg_json_len(const bg_json *v);
const bg_json *bg_json_at(const bg_json *v, size_t i);

/* The member `key` of an object as a C string: NULL if absent, not a string,
 * or holding a NUL byte (a caller never sees a silently truncated value). */
const char *bg_json_get_str(const bg_json *obj, const char *key);

/* 0 and *out set if the member `key` is a number written as an integer
 * (-?digits: no fraction, no exponent, so 1.0 and 1e3 are refused) within
 * long long; -1 otherwise, *out unchanged. The writer writes integers that
 * way. */
int bg_json_get_int(const bg_json *obj, const char *key, long long *out);

/* 0 and *out set (0 or 1) if the member `key` is true or false; -1 otherwise. */
int bg_json_get_bool(const bg_json *obj, const char *key, int *out);

/* Writing: calls append to a growing buffer, pretty-printed (2-space indent,
 * one element or member per line, members in the order written, "[]" and
 * "{}" when empty, a final newline). No call returns an error: a failed
 * allocation sets `oom`, a call out of place (a key outside an object, a
 * value without its key, an end that does not match, a second top-level
 * value, nesting deeper than BG_JSON_MAX_DEPTH) sets `bad`, later calls write
 * nothing, and bg_jw_finish() reports either once.
 *
 * Strings are written as UTF-8: '"', '\\' and control characters are escaped
 * (\n, \t, ... or \u00XX), valid UTF-8 passes through, and each invalid
 * sequence (maximal subpart, as Unicode recommends) becomes U+FFFD. Escaping
 * a bad byte as \u00XX would instead turn it into a different, valid
 * character; U+FFFD at least says that something was lost. */
typedef struct {
	char *buf;
	size_t len, cap;
	int depth;                           /* containers open */
	int first;                           /* the innermost one has no item yet */
	int want_value;                      /* a key was written, its value comes next */
	int done;                            /* the top-level value is complete */
	int oom;
	int bad;
	int compact;                         /* one line: no newline nor indent inside */
	char open[BG_JSON_MAX_DEPTH];        /* '{' or '[' of each open container */
} bg_json_writer;

void bg_jw_init(bg_json_writer *w);
/* The same document on one line (a JSON-lines record), still ending with a
 * newline; no space after ':'. bg_jw_finish() ends the compact mode. */
void bg_jw_init_compact(bg_json_writer *w);
void bg_jw_object_begin(bg_json_writer *w);
void bg_jw_object_end(bg_json_writer *w);
void bg_jw_array_begin(bg_json_writer *w);
void bg_jw_array_end(bg_json_writer *w);
void bg_jw_key(bg_json_writer *w, const char *key);
void bg_jw_string(bg_json_writer *w, const char *s);   /* NULL writes null */
void bg_jw_int(bg_json_writer *w, long long v);
void bg_jw_bool(bg_json_writer *w, int v);
void bg_jw_null(bg_json_writer *w);

/* Hands over the document, NUL-terminated (*len without the NUL), for free().
 * -1 and *out NULL on out of memory (w->oom) or a call out of place, an
 * unclosed container or no value (w->bad); those two flags stay set for the
 * caller's message. Either way the writer holds no memory any more, and
 * bg_jw_init() makes it ready for another document; bg_jw_free() is for
 * abandoning one before finishing. */
int bg_jw_finish(bg_json_writer *w, char **out, size_t *len);
void bg_jw_free(bg_json_writer *w);

#endif
