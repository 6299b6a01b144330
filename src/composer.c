/* Reading installed.json.
 *
 * A package there is an object with the string members "name" and
 * "version". Searching the text for the package's name would be wrong: the
 * name also appears as a key in other packages' "require" maps, and a
 * "version" member belongs to whichever object holds it. So the scan walks
 * the JSON structure (strictly enough to reject what is not JSON) and looks
 * at every object's own "name" and "version" members, at any depth: the
 * Composer 1 list and the Composer 2 {"packages": [...]} are read alike,
 * pretty-printed or minified. Nothing is allocated. */
#include "composer.h"

#include <string.h>
#include <strings.h>

/* installed.json nests about six deep; this bounds the recursion. */
#define BG_COMPOSER_MAX_DEPTH 64

/* Package names and versions are short ASCII strings. */
#define BG_COMPOSER_STR_MAX 128

typedef struct {
	const char *p, *end;
	const char *package;
	char *out;
	size_t size;
	int found;
} scan;

/* Where a string value is decoded to: buf of size bytes, and whether it fit
 * and was plain ASCII (anything else cannot be a name or a version). */
typedef struct {
	char *buf;
	size_t size;
	int ok;
} sink;

static int read_value(scan *sc, int depth, sink *dst);

static void skip_ws(scan *sc)
{
	while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' || *sc->p == '\n' || *sc->p == '\r')) {
		sc->p++;
	}
}

static int at(scan *sc, char c)
{
	skip_ws(sc);
	return sc->p < sc->end && *sc->p == c;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* One escape after the backslash: the byte it stands for, or 0 for a \u
 * beyond ASCII (or \u0000), or -1 when it is no JSON escape. */
static int read_escape(scan *sc)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	int value = 0, i;

	if (sc->p >= sc->end) {
		return -1;
	}
	if (*sc->p != 'u') {
		hit = strchr(from, *sc->p);
		sc->p++;
		return hit && *hit ? to[hit - from] : -1;
	}
	if (sc->end - sc->p < 5) {
		return -1;
	}
	for (i = 1; i <= 4; i++) {
		int d = hex_digit(sc->p[i]);

		if (d < 0) {
			return -1;
		}
		value = value * 16 + d;
	}
	sc->p += 5;
	return value < 0x80 ? value : 0;
}

/* A string, the scanner on its opening quote; decoded into dst if any. */
static int read_string(scan *sc, sink *dst)
{
	size_t n = 0;

	sc->p++;
	if (dst) {
		dst->ok = 1;
	}
	while (sc->p < sc->end) {
		int c = (unsigned char) *sc->p++;

		if (c == '"') {
			if (dst) {
				dst->buf[n] = '\0';
			}
			return 0;
		}
		if (c < 0x20) {
			return -1;              /* a raw control character: not JSON */
		}
		if (c == '\\' && (c = read_escape(sc)) < 0) {
			return -1;
		}
		if (!dst) {
			continue;
		}
		if (c == 0 || c >= 0x80 || n + 1 >= dst->size) {
			dst->ok = 0;
		} else {
			dst->buf[n++] = (char) c;
		}
	}
	return -1;                      /* unterminated */
}

/* A number, true, false or null: checked only for being a non-empty run of
 * the characters they are made of (their exact grammar is of no interest). */
static int skip_scalar(scan *sc)
{
	const char *start = sc->p;

	while (sc->p < sc->end && (strchr("+-.eE", *sc->p) || (*sc->p >= '0' && *sc->p <= '9')
		|| (*sc->p >= 'a' && *sc->p <= 'z'))) {
		sc->p++;
	}
	return sc->p > start ? 0 : -1;
}

/* After an object's members: is it the package? The first one listed wins. */
static void note_package(scan *sc, const sink *name, const sink *version)
{
	if (!sc->found && name->ok && version->ok && strcasecmp(name->buf, sc->package) == 0
		&& strlen(version->buf) < sc->size) {
		memcpy(sc->out, version->buf, strlen(version->buf) + 1);
		sc->found = 1;
	}
}

/* At a container's start: 1 when its closing character comes next (then
 * consumed), i.e. it is empty. */
static int closes(scan *sc, char close)
{
	if (!at(sc, close)) {
		return 0;
	}
	sc->p++;
	return 1;
}

/* After a member or an element: 1 when a ',' announces another, 0 at the
 * closing character (consumed), -1 at anything else. */
static int next_item(scan *sc, char close)
{
	if (at(sc, ',')) {
		sc->p++;
		return 1;
	}
	return closes(sc, close) ? 0 : -1;
}

static int read_object(scan *sc, int depth)
{
	char key_buf[8], name_buf[BG_COMPOSER_STR_MAX], version_buf[BG_COMPOSER_STR_MAX];
	sink key = { key_buf, sizeof(key_buf), 0 };
	sink name = { name_buf, sizeof(name_buf), 0 }, version = { version_buf, sizeof(version_buf), 0 };
	int more;

	sc->p++;
	if (closes(sc, '}')) {
		return 0;
	}
	do {
		sink *dst = NULL;

		if (!at(sc, '"') || read_string(sc, &key) < 0 || !at(sc, ':')) {
			return -1;
		}
		sc->p++;
		if (key.ok && strcmp(key.buf, "name") == 0) {
			dst = &name;
		} else if (key.ok && strcmp(key.buf, "version") == 0) {
			dst = &version;
		}
		if (dst) {
			dst->ok = 0;            /* set again only by a string value */
		}
		if (read_value(sc, depth + 1, dst) < 0) {
			return -1;
		}
	} while ((more = next_item(sc, '}')) == 1);
	if (more == 0) {
		note_package(sc, &name, &version);
	}
	return more;
}

static int read_array(scan *sc, int depth)
{
	int more;

	sc->p++;
	if (closes(sc, ']')) {
		return 0;
	}
	do {
		if (read_value(sc, depth + 1, NULL) < 0) {
			return -1;
		}
	} while ((more = next_item(sc, ']')) == 1);
	return more;
}

/* Any value; a string is decoded into dst when dst is given. */
static int read_value(scan *sc, int depth, sink *dst)
{
	if (depth > BG_COMPOSER_MAX_DEPTH) {
		return -1;
	}
	skip_ws(sc);
	if (sc->p >= sc->end) {
		return -1;
	}
	switch (*sc->p) {
	case '{':
		return read_object(sc, depth);
	case '[':
		return read_array(sc, depth);
	case '"':
		return read_string(sc, dst);
	default:
		return skip_scalar(sc);
	}
}

int bg_composer_installed_version(const char *json, size_t len, const char *package,
	char *out, size_t size)
{
	scan sc = { json, json + len, package, out, size, 0 };

	/* A byte order mark, which some editors add. */
	if (len >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0) {
		sc.p += 3;
	}
	if (read_value(&sc, 0, NULL) < 0) {
		return -1;
	}
	skip_ws(&sc);
	if (sc.p != sc.end) {
		return -1;                  /* something after the value */
	}
	return sc.found;
}
