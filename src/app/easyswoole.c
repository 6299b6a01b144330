/* EasySwoole's start command, chosen from the release.
 *
 * EasySwoole changed its command line twice: 3.4 replaced `start d
 * [produce]` with `server start -d -mode=M`, and 3.6.1 renamed the entry
 * script `easyswoole` to `easyswoole.php` (its `install` writes the new
 * name; the script's content is the same from 3.4 on, so an old
 * `easyswoole` left beside a newer version still works). The version
 * Composer installed decides the grammar; without one, the entry script
 * does. */
#include "app/easyswoole.h"
#include "app/composer.h"
#include "base/fs.h"
#include "base/strv.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BG_ES_PACKAGE "easyswoole/easyswoole"
#define BG_ES_INSTALLED "vendor/composer/installed.json"
#define BG_ES_ENTRY_OLD "easyswoole"
#define BG_ES_ENTRY_NEW "easyswoole.php"

/* What vendor/composer/installed.json says of the installed EasySwoole. */
typedef struct {
	int known;          /* major and minor were read */
	int major, minor;
	char note[192];     /* what was found, for the log */
} es_version;

/* "3.5.1", "v3.7.0", "3.4.x-dev" (a numbered branch), "3.6.1-beta1": the
 * first two numbers. A named branch ("dev-master") has none. */
static int parse_series(const char *v, int *major, int *minor)
{
	char *end;

	if (*v == 'v' || *v == 'V') {
		v++;
	}
	if (!isdigit((unsigned char) *v)) {
		return 0;
	}
	*major = (int) strtol(v, &end, 10);
	if (*end != '.' || !isdigit((unsigned char) end[1])) {
		return 0;
	}
	*minor = (int) strtol(end + 1, &end, 10);
	return 1;
}

static void read_version(const char *dir, es_version *v)
{
	char *path = bg_asprintf("%s/%s", dir, BG_ES_INSTALLED), *json = NULL;
	char version[64];
	size_t len;
	bg_error err;
	int found;

	memset(v, 0, sizeof(*v));
	if (!path || bg_read_file(path, &json, &len, BG_ERR_CONFIG, &err) < 0) {
		if (path && err.sys_errno == ENOENT) {
			snprintf(v->note, sizeof(v->note), "no %s", BG_ES_INSTALLED);
		} else {
			snprintf(v->note, sizeof(v->note), "%s cannot be read: %s", BG_ES_INSTALLED,
				path ? strerror(err.sys_errno) : "out of memory");
		}
		free(path);
		return;
	}
	found = bg_composer_installed_version(json, len, BG_ES_PACKAGE, version, sizeof(version));
	if (found < 0) {
		snprintf(v->note, sizeof(v->note), "%s is not JSON", BG_ES_INSTALLED);
	} else if (found == 0) {
		snprintf(v->note, sizeof(v->note), "%s does not list %s", BG_ES_INSTALLED, BG_ES_PACKAGE);
	} else if (!parse_series(version, &v->major, &v->minor)) {
		snprintf(v->note, sizeof(v->note), "%s: %s %s is a branch, not a version",
			BG_ES_INSTALLED, BG_ES_PACKAGE, version);
	} else {
		v->known = 1;
		snprintf(v->note, sizeof(v->note), "%s: %s %s", BG_ES_INSTALLED, BG_ES_PACKAGE, version);
	}
	free(json);
	free(path);
}

static int has_file(const char *dir, const char *name)
{
	char *path = bg_asprintf("%s/%s", dir, name);
	struct stat st;
	int found = path && stat(path, &st) == 0 && S_ISREG(st.st_mode);

	free(path);
	return found;
}

/* The argv of one grammar; NULL when out of memory. */
static char **build_argv(const char *php, const char *entry, int server, const char *mode)
{
	/* -mode=M with '=': EasySwoole's parser takes "-mode M" for a -mode
	 * without value and silently loads dev.php. */
	char *mode_opt = bg_asprintf("-mode=%s", mode);
	char **argv = NULL;
	int ok;

	ok = mode_opt && bg_strv_push(&argv, php) == 0 && bg_strv_push(&argv, entry) == 0
		&& (server
			? bg_strv_push(&argv, "server") == 0 && bg_strv_push(&argv, "start") == 0
				&& bg_strv_push(&argv, "-d") == 0 && bg_strv_push(&argv, mode_opt) == 0
			: bg_strv_push(&argv, "start") == 0 && bg_strv_push(&argv, "d") == 0
				&& (strcmp(mode, "produce") != 0 || bg_strv_push(&argv, "produce") == 0));
	free(mode_opt);
	if (!ok) {
		bg_strv_free(argv);
		return NULL;
	}
	return argv;
}

/* The grammar (server: `server start`, 3.4+) and the entry script's name
 * (new_entry: easyswoole.php, 3.6+) the release calls for, and why. */
static void choose_form(const char *dir, int has_new, int *server, int *new_entry, char *why, size_t size)
{
	es_version v;

	read_version(dir, &v);
	if (v.known) {
		*server = v.major > 3 || (v.major == 3 && v.minor >= 4);
		*new_entry = v.major > 3 || (v.major == 3 && v.minor >= 6);
		snprintf(why, size, "%s, the EasySwoole %s form", v.note,
			*new_entry ? "3.6+" : *server ? "3.4-3.5" : "3.3");
		return;
	}
	*server = *new_entry = has_new;
	snprintf(why, size, has_new ? "%s entry script, the EasySwoole 3.6+ form (%s)"
		: "no %s entry script, the seed's EasySwoole 3.3 form (%s)", BG_ES_ENTRY_NEW, v.note);
}

/* The entry script to run: the form's own name, else the other one, which
 * runs the same code (see the top of this file), said in why; NULL when the
 * release has neither. */
static const char *choose_entry(int new_entry, int has_new, int has_old, char *why, size_t size)
{
	const char *own = new_entry ? BG_ES_ENTRY_NEW : BG_ES_ENTRY_OLD;
	const char *other = new_entry ? BG_ES_ENTRY_OLD : BG_ES_ENTRY_NEW;
	size_t len = strlen(why);

	if (new_entry ? has_new : has_old) {
		return own;
	}
	if (!(new_entry ? has_old : has_new)) {
		return NULL;
	}
	snprintf(why + len, size - len, "; there is no %s, so through %s", own, other);
	return other;
}

int bg_es_start_argv(const bg_options *opt, const char *dir, char ***argv, char *why, size_t size,
	bg_error *err)
{
	int has_new = has_file(dir, BG_ES_ENTRY_NEW), has_old = has_file(dir, BG_ES_ENTRY_OLD);
	int server, new_entry;
	const char *entry;

	choose_form(dir, has_new, &server, &new_entry, why, size);
	if (!(entry = choose_entry(new_entry, has_new, has_old, why, size))) {
		return bg_error_set(err, BG_ERR_CONFIG, "cannot start %s: it has neither %s (EasySwoole 3.6+) nor %s "
			"(3.3 to 3.5) as entry script; set the `start` option", dir, BG_ES_ENTRY_NEW, BG_ES_ENTRY_OLD);
	}
	if (!server && strcmp(opt->mode, "dev") != 0 && strcmp(opt->mode, "produce") != 0) {
		return bg_error_set(err, BG_ERR_CONFIG, "option \"mode\" is \"%s\", but EasySwoole 3.3 starts only dev "
			"and produce (%s); set the `start` option", opt->mode, why);
	}
	if (!(*argv = build_argv(opt->php_binary, entry, server, opt->mode))) {
		return bg_error_set(err, BG_ERR_CONFIG, "out of memory");
	}
	return 0;
}
