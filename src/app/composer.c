/* Reading installed.json.
 *
 * A package there is an object with the string members "name" and
 * "version". Searching the text for the package's name would be wrong: the
 * name also appears as a key in other packages' "require" maps, and a
 * "version" member belongs to whichever object holds it. So the text is
 * parsed by the one JSON reader (json.c) and every object's own "name" and
 * "version" members are looked at, at any depth: the Composer 1 list and the
 * Composer 2 {"packages": [...]} are read alike, pretty-printed or minified. */
#include "app/composer.h"
#include "base/json.h"

#include <string.h>
#include <strings.h>

/* Whether obj is the package: its own "name" (Composer compares names
 * case-insensitively) and a string "version". */
static const char *version_if_package(const bg_json *obj, const char *package)
{
	const char *name = bg_json_get_str(obj, "name");

	if (!name || strcasecmp(name, package) != 0) {
		return NULL;
	}
	return bg_json_get_str(obj, "version");
}

/* The first object, depth first in document order, that is the package. */
static const char *find_version(const bg_json *v, const char *package)
{
	const char *found = NULL;
	size_t i;

	if (v->type == BG_JSON_OBJECT && (found = version_if_package(v, package))) {
		return found;
	}
	for (i = 0; !found && i < bg_json_len(v); i++) {
		found = find_version(bg_json_at(v, i), package);
	}
	return found;
}

int bg_composer_installed_version(const char *json, size_t len, const char *package,
	char *out, size_t size)
{
	bg_json *root = NULL;
	bg_error err;
	const char *version;
	int found = 0;

	/* A byte order mark, which some editors add and the strict reader refuses. */
	if (len >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0) {
		json += 3;
		len -= 3;
	}
	if (bg_json_parse(json, len, "installed.json", BG_ERR_VALUE, &root, &err) < 0) {
		return -1;
	}
	version = find_version(root, package);
	if (version && strlen(version) < size) {
		memcpy(out, version, strlen(version) + 1);
		found = 1;
	}
	bg_json_free(root);
	return found;
}
