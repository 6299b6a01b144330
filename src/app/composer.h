/* bluegreen core: what Composer says it installed in a project, read from
 * vendor/composer/installed.json. */
#ifndef BG_COMPOSER_H
#define BG_COMPOSER_H

#include <stddef.h>

/* The "version" of the package named `package` in the text of an
 * installed.json, in either of its shapes (Composer 1: a list of package
 * objects; Composer 2: {"packages": [...]}), copied into out.
 * Returns 1 when found, 0 when the JSON lists no such package (or its
 * version does not fit in out), -1 when the text is not JSON. */
int bg_composer_installed_version(const char *json, size_t len, const char *package,
	char *out, size_t size);

#endif
