/* Reads the Releaser constructor's options array into a bg_options, once.
 *
 * Wrong types throw TypeError, bad values ValueError, and unknown keys
 * ValueError, each naming the key ("nginx.conf" for a group's member);
 * missing files and directories are the core's ConfigException
 * (bg_options_check). Every option, each member of a group ("health",
 * "nginx", "git") included, is one row of `option_rows` (at the end): its
 * key, type, field, default, reader and var_dump, and a doc line. The
 * constructor's reader, var_dump and the defaults all go through that table. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "main/php_globals.h"
#include "zend_exceptions.h"
#include "php_bluegreen.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

/* How a row is read, defaulted and shown when it has no function of its own. */
typedef enum {
	OPT_STRING,        /* char *: non-empty, no NUL */
	OPT_SECRET,        /* char *: a string shown as "***" */
	OPT_PATH,          /* char *: made absolute */
	OPT_DIR,           /* char *: a directory, resolved */
	OPT_SECONDS,       /* double: > 0 */
	OPT_SECONDS_ZERO,  /* double: >= 0 */
	OPT_COUNT,         /* long: 1 to 1000 */
	OPT_LONG,          /* long: its own reader checks the range */
	OPT_BOOL,          /* int */
	OPT_PORTS,         /* int[2]: two different ports; default "9501 9502" */
	OPT_RELPATHS,      /* char **: relative paths, [] when unset */
	OPT_ARGV,          /* char **: an argv */
	OPT_ARGV_OR_NULL,  /* char **: an argv, null for the default */
	OPT_GROUP,         /* an array whose members are the rows "<key>.<member>" */
	OPT_CUSTOM,        /* read and shown by its own functions (build, log) */
	OPT_REQUIRED = 0x100,  /* flag: the key must be given; its doc says what it is */
} option_type;

typedef struct option_row option_row;
struct option_row {
	const char *key;   /* "drain_timeout"; a group's member: "health.timeout" */
	int type;          /* an option_type, | OPT_REQUIRED */
	size_t offset;     /* its field in bg_options (not for OPT_GROUP, OPT_CUSTOM) */
	const char *def;   /* its default as text (a number, "true", a string); NULL: none or derived */
	zend_result (*read)(php_bluegreen_releaser *r, zval *v, const char *key);  /* NULL: by type */
	void (*dump)(zval *arr, const php_bluegreen_releaser *r, const char *name);     /* NULL: by type */
	const char *doc;
};

#define FIELD(f) offsetof(bg_options, f)
#define TYPE(o) ((o)->type & ~OPT_REQUIRED)

/* The row's field in the releaser's options. */
static void *field_of(php_bluegreen_releaser *r, const option_row *o)
{
	return (char *) &r->core.opt + o->offset;
}


static zend_result read_group(php_bluegreen_releaser *r, zval *zv, const char *group);

static zend_result fail_type(const char *key, const char *expected, zval *given)
{
	zend_type_error("Option \"%s\" must be %s, %s given", key, expected, zend_zval_type_name(given));
	return FAILURE;
}

static zend_result fail_value(const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	zend_vspprintf(&msg, 0, fmt, ap);
	va_end(ap);
	zend_value_error("%s", msg);
	efree(msg);
	return FAILURE;
}

/* A string option: non-empty, no NUL byte. */
static zend_result read_string(zval *zv, const char *key, char **out)
{
	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_STRING) {
		return fail_type(key, "of type string", zv);
	}
	if (Z_STRLEN_P(zv) == 0) {
		return fail_value("Option \"%s\" must not be empty", key);
	}
	if (zend_str_has_nul_byte(Z_STR_P(zv))) {
		return fail_value("Option \"%s\" must not contain any null bytes", key);
	}
	free(*out);
	*out = strdup(Z_STRVAL_P(zv));
	return SUCCESS;
}

/* A path option, made absolute against the current directory now, because
 * the releaser and its children change directory. Symlinks are kept (a
 * symlinked nginx config is written through, not replaced). */
static zend_result read_path(zval *zv, const char *key, char **out)
{
	char cwd[PATH_MAX], *abs;

	if (read_string(zv, key, out) == FAILURE) {
		return FAILURE;
	}
	if ((*out)[0] != '/' && !getcwd(cwd, sizeof(cwd))) {
		return fail_value("Option \"%s\": cannot resolve relative path \"%s\"", key, *out);
	}
	if (!(abs = bg_options_path(cwd, *out))) {
		return fail_value("Option \"%s\": out of memory", key);
	}
	free(*out);
	*out = abs;
	return SUCCESS;
}

/* A directory option, resolved with realpath (releases are made beside it). */
static zend_result read_dir(zval *zv, const char *key, char **out)
{
	char resolved[PATH_MAX];

	if (read_path(zv, key, out) == FAILURE) {
		return FAILURE;
	}
	if (realpath(*out, resolved)) {
		free(*out);
		*out = strdup(resolved);
	}
	/* A missing directory is reported by bg_options_check, naming the path. */
	return SUCCESS;
}

/* An argv array: a non-empty list of non-empty strings. */
static zend_result read_argv(zval *zv, const char *key, char ***out)
{
	zval *item;
	char **argv = NULL;

	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_ARRAY) {
		return fail_type(key, "an argv array (a list of strings)", zv);
	}
	if (!zend_array_is_list(Z_ARRVAL_P(zv)) || zend_hash_num_elements(Z_ARRVAL_P(zv)) == 0) {
		return fail_value("Option \"%s\" must be a non-empty list of strings (an argv array, run without a shell)", key);
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(zv), item) {
		ZVAL_DEREF(item);
		if (Z_TYPE_P(item) != IS_STRING) {
			bg_strv_free(argv);
			return fail_type(key, "a list of strings", item);
		}
		if (zend_str_has_nul_byte(Z_STR_P(item)) || (Z_STRLEN_P(item) == 0 && !argv)) {
			bg_strv_free(argv);
			return fail_value("Option \"%s\" must hold a non-empty command name and no null bytes", key);
		}
		bg_strv_push(&argv, Z_STRVAL_P(item));
	} ZEND_HASH_FOREACH_END();
	bg_strv_free(*out);
	*out = argv;
	return SUCCESS;
}

/* A list of paths inside a release: relative, no "..", no empty segment. */
static zend_result read_relpaths(zval *zv, const char *key, char ***out)
{
	zval *item;
	char **paths = NULL;

	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_ARRAY || !zend_array_is_list(Z_ARRVAL_P(zv))) {
		return fail_type(key, "a list of relative paths", zv);
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(zv), item) {
		const char *p;

		ZVAL_DEREF(item);
		if (Z_TYPE_P(item) != IS_STRING) {
			bg_strv_free(paths);
			return fail_type(key, "a list of relative paths", item);
		}
		p = Z_STRVAL_P(item);
		if (Z_STRLEN_P(item) == 0 || p[0] == '/' || zend_str_has_nul_byte(Z_STR_P(item))
			|| strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 || strstr(p, "/../")
			|| (Z_STRLEN_P(item) >= 3 && strcmp(p + Z_STRLEN_P(item) - 3, "/..") == 0)
			|| strstr(p, "//") || strcmp(p, ".") == 0 || strcmp(p, "./") == 0) {
			bg_strv_free(paths);
			return fail_value("Option \"%s\" must hold paths relative to the release, without \"..\", \"%s\" given", key, p);
		}
		bg_strv_push(&paths, p);
	} ZEND_HASH_FOREACH_END();
	if (!paths && !(paths = calloc(1, sizeof(char *)))) {
		/* [] given must stay an empty list: NULL means "the default" (<mode>.php). */
		return fail_value("Option \"%s\": out of memory", key);
	}
	bg_strv_free(*out);
	*out = paths;
	return SUCCESS;
}

static zend_result read_bool(zval *zv, const char *key, int *out)
{
	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_TRUE && Z_TYPE_P(zv) != IS_FALSE) {
		return fail_type(key, "of type bool", zv);
	}
	*out = Z_TYPE_P(zv) == IS_TRUE;
	return SUCCESS;
}

/* mode: EasySwoole's run mode, which names the file <mode>.php in ROOT. */
static zend_result read_mode(php_bluegreen_releaser *r, zval *zv, const char *key)
{
	char **out = &r->core.opt.mode;

	if (read_string(zv, key, out) == FAILURE) {
		return FAILURE;
	}
	if (strspn(*out, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(*out)) {
		return fail_value("Option \"mode\" must be a mode name such as \"dev\" or \"produce\" "
			"(letters, digits, '_' and '-'), \"%s\" given", *out);
	}
	return SUCCESS;
}

static zend_result read_seconds(zval *zv, const char *key, double *out, bool allow_zero)
{
	double v;

	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) == IS_LONG) {
		v = (double) Z_LVAL_P(zv);
	} else if (Z_TYPE_P(zv) == IS_DOUBLE) {
		v = Z_DVAL_P(zv);
	} else {
		return fail_type(key, "of type int|float (seconds)", zv);
	}
	if (!(v > 0 || (allow_zero && v == 0)) || v > 86400) {
		return fail_value("Option \"%s\" must be a number of seconds %s 0 and at most 86400",
			key, allow_zero ? "at least" : "greater than");
	}
	*out = v;
	return SUCCESS;
}

static zend_result read_ports(zval *zv, int ports[2])
{
	zval *a, *b;

	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_ARRAY) {
		return fail_type("ports", "of type array", zv);
	}
	if (zend_hash_num_elements(Z_ARRVAL_P(zv)) != 2 || !zend_array_is_list(Z_ARRVAL_P(zv))) {
		goto bad;
	}
	a = zend_hash_index_find_deref(Z_ARRVAL_P(zv), 0);
	b = zend_hash_index_find_deref(Z_ARRVAL_P(zv), 1);
	if (Z_TYPE_P(a) != IS_LONG || Z_TYPE_P(b) != IS_LONG) {
		return fail_type("ports", "a list of two int", Z_TYPE_P(a) != IS_LONG ? a : b);
	}
	if (Z_LVAL_P(a) < 1 || Z_LVAL_P(a) > 65535 || Z_LVAL_P(b) < 1 || Z_LVAL_P(b) > 65535
		|| Z_LVAL_P(a) == Z_LVAL_P(b)) {
		goto bad;
	}
	ports[0] = (int) Z_LVAL_P(a);
	ports[1] = (int) Z_LVAL_P(b);
	return SUCCESS;
bad:
	return fail_value("Option \"ports\" must hold two different ports between 1 and 65535");
}

/* host: parsed once, here, into the addresses probes and socket scans use. */
static zend_result read_host(php_bluegreen_releaser *r, zval *zv, const char *key)
{
	char *host = NULL;
	int rc;

	if (read_string(zv, key, &host) == FAILURE) {
		return FAILURE;
	}
	rc = bg_options_set_host(&r->core.opt, host);
	if (rc < 0) {
		fail_value("Option \"host\" must be an IP address or \"localhost\", \"%s\" given", host);
	}
	free(host);
	return rc < 0 ? FAILURE : SUCCESS;
}

static zend_result read_branch(php_bluegreen_releaser *r, zval *zv, const char *key)
{
	char **out = &r->core.opt.branch;

	if (read_string(zv, key, out) == FAILURE) {
		return FAILURE;
	}
	if (!bg_releaser_branch_valid(*out)) {
		return fail_value("Option \"branch\" must be a valid branch name, \"%s\" given", *out);
	}
	return SUCCESS;
}

/* build: null for the default, else a list of argv arrays ([] for none). */
static zend_result read_build(php_bluegreen_releaser *r, zval *zv, const char *key)
{
	bg_options *opt = &r->core.opt;
	zval *step;
	zend_ulong i;

	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) == IS_NULL) {
		return SUCCESS;
	}
	if (Z_TYPE_P(zv) != IS_ARRAY || !zend_array_is_list(Z_ARRVAL_P(zv))) {
		return fail_type("build", "a list of argv arrays", zv);
	}
	opt->build_set = 1;
	ZEND_HASH_FOREACH_NUM_KEY_VAL(Z_ARRVAL_P(zv), i, step) {
		char key[32];
		char **argv = NULL;

		snprintf(key, sizeof(key), "build.%lu", (unsigned long) i);
		if (read_argv(step, key, &argv) == FAILURE) {
			return FAILURE;
		}
		bg_argvv_push(&opt->build, argv);
	} ZEND_HASH_FOREACH_END();
	return SUCCESS;
}

/* health.path: an absolute URL path, or null for a TCP check only. */
static zend_result read_health_path(php_bluegreen_releaser *r, zval *zv, const char *key)
{
	char **out = &r->core.opt.health_path;

	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) == IS_NULL) {
		free(*out);
		*out = NULL;
		return SUCCESS;
	}
	if (read_string(zv, key, out) == FAILURE) {
		return FAILURE;
	}
	if ((*out)[0] != '/' || strpbrk(*out, " \r\n\t")) {
		return fail_value("Option \"%s\" must be an absolute URL path such as \"/health\", \"%s\" given", key, *out);
	}
	return SUCCESS;
}

/* fleet.parallel and fleet.canary.hosts: ints within a range. */
static zend_result read_long_in(zval *zv, const char *key, long min, long max, long *out)
{
	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_LONG) {
		return fail_type(key, "of type int", zv);
	}
	if (Z_LVAL_P(zv) < min || Z_LVAL_P(zv) > max) {
		return fail_value("Option \"%s\" must be between %ld and %ld, " ZEND_LONG_FMT " given", key, min, max, Z_LVAL_P(zv));
	}
	*out = (long) Z_LVAL_P(zv);
	return SUCCESS;
}

static zend_result read_fleet_parallel(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_long_in(v, key, 1, 16, &r->core.opt.fleet.parallel);
}

static zend_result read_canary_hosts(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_long_in(v, key, 0, 64, &r->core.opt.fleet.canary_hosts);
}

/* fleet.on_halt: what a member already on a commit whose rollout halted does. */
static zend_result read_fleet_on_halt(php_bluegreen_releaser *r, zval *v, const char *key)
{
	ZVAL_DEREF(v);
	if (Z_TYPE_P(v) != IS_STRING) {
		return fail_type(key, "of type string", v);
	}
	if (!zend_string_equals_literal(Z_STR_P(v), "rollback") && !zend_string_equals_literal(Z_STR_P(v), "stay")) {
		return fail_value("Option \"%s\" must be 'rollback' or 'stay', \"%s\" given", key, Z_STRVAL_P(v));
	}
	r->core.opt.fleet.stay_on_halt = zend_string_equals_literal(Z_STR_P(v), "stay");
	return SUCCESS;
}

/* fleet.name and fleet.host are keys in the store and the record. */
static zend_result check_fleet_name(const char *key, const char *name)
{
	if (strlen(name) > 63
		|| strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(name)) {
		return fail_value("Option \"%s\" must be 1 to 63 letters, digits, '.', '_' or '-', \"%s\" given", key, name);
	}
	return SUCCESS;
}

/* fleet.canary: null, or its members. */
static zend_result read_fleet_canary(php_bluegreen_releaser *r, zval *v, const char *key)
{
	ZVAL_DEREF(v);
	return Z_TYPE_P(v) == IS_NULL ? SUCCESS : read_group(r, v, key);
}

/* fleet: null (not a member), or its members, then the checks across them.
 * The store's URL is checked for its scheme only and never repeated (it may
 * hold a password); the rest of it when the store is first used. */
static zend_result read_fleet(php_bluegreen_releaser *r, zval *v, const char *key)
{
	bg_fleet_options *f = &r->core.opt.fleet;
	char host[256];

	ZVAL_DEREF(v);
	if (Z_TYPE_P(v) == IS_NULL) {
		return SUCCESS;
	}
	if (read_group(r, v, key) == FAILURE) {
		return FAILURE;
	}
	if (strncmp(f->store, "redis://", strlen("redis://")) != 0 && strncmp(f->store, "etcd://", strlen("etcd://")) != 0) {
		return fail_value("Option \"fleet.store\" must be \"redis://host:port/db\" or \"etcd://host:port\"");
	}
	if (!f->host) {
		if (gethostname(host, sizeof(host)) != 0) {
			return fail_value("Option \"fleet.host\" is not given and gethostname() failed");
		}
		host[sizeof(host) - 1] = '\0';
		if (!(f->host = strdup(host))) {
			return fail_value("out of memory");
		}
	}
	if (check_fleet_name("fleet.name", f->name) == FAILURE || check_fleet_name("fleet.host", f->host) == FAILURE) {
		return FAILURE;
	}
	return SUCCESS;
}

/* watch.max_error_ratio: a share, 0 to 1 (0: any error fails the release). */
static zend_result read_error_ratio(php_bluegreen_releaser *r, zval *zv, const char *key)
{
	double *out = &r->core.opt.watch.max_error_ratio;

	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_LONG && Z_TYPE_P(zv) != IS_DOUBLE) {
		return fail_type(key, "of type int|float (a share, 0 to 1)", zv);
	}
	*out = Z_TYPE_P(zv) == IS_LONG ? (double) Z_LVAL_P(zv) : Z_DVAL_P(zv);
	if (!(*out >= 0 && *out <= 1)) {
		return fail_value("Option \"%s\" must be a share between 0 and 1 (0.01 is 1 %%)", key);
	}
	return SUCCESS;
}

static zend_result read_min_requests(php_bluegreen_releaser *r, zval *zv, const char *key)
{
	return read_long_in(zv, key, 1, 1000000, &r->core.opt.watch.min_requests);
}

/* watch.access_log: a path, or null for the health check alone. */
static zend_result read_access_log(php_bluegreen_releaser *r, zval *v, const char *key)
{
	ZVAL_DEREF(v);
	return Z_TYPE_P(v) == IS_NULL ? SUCCESS : read_path(v, key, &r->core.opt.watch.access_log);
}

/* canary.weight: the new release's share, a percentage. */
static zend_result read_canary_weight(php_bluegreen_releaser *r, zval *v, const char *key)
{
	ZVAL_DEREF(v);
	if (Z_TYPE_P(v) != IS_LONG) {
		return fail_type(key, "of type int (a percentage)", v);
	}
	if (Z_LVAL_P(v) < 1 || Z_LVAL_P(v) > 99) {
		return fail_value("Option \"%s\" must be a percentage between 1 and 99, " ZEND_LONG_FMT " given", key,
			Z_LVAL_P(v));
	}
	r->core.opt.canary.weight = (long) Z_LVAL_P(v);
	return SUCCESS;
}

/* watch and canary: null (the default) for none; an array, even empty,
 * turns it on, its members read over the table's defaults. */
static zend_result read_switched_on(php_bluegreen_releaser *r, zval *v, const char *key, int *on)
{
	ZVAL_DEREF(v);
	*on = 0;
	if (Z_TYPE_P(v) == IS_NULL) {
		return SUCCESS;
	}
	if (Z_TYPE_P(v) != IS_ARRAY) {
		return fail_type(key, "of type ?array", v);
	}
	*on = 1;
	return read_group(r, v, key);
}

static zend_result read_watch(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_switched_on(r, v, key, &r->core.opt.watch.on);
}

static zend_result read_canary(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_switched_on(r, v, key, &r->core.opt.canary.on);
}

/* git: the members that only make sense together. */
static zend_result check_git(const bg_git_options *g)
{
	if (g->pubkey && !g->key) {
		return fail_value("Option \"git.pubkey\" needs \"git.key\", the private key it goes with");
	}
	if (g->passphrase && !g->key) {
		return fail_value("Option \"git.passphrase\" needs \"git.key\", the private key it unlocks");
	}
	if (g->known_hosts && !g->check_host) {
		return fail_value("Option \"git.known_hosts\" is meaningless with \"git.check_host\" => false");
	}
	return SUCCESS;
}

/* log: a file path, or a callable other than a plain string (a string is
 * always a path; wrap a function name as `name(...)`). */
static zend_result read_log(php_bluegreen_releaser *r, zval *zv, const char *key)
{
	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) == IS_NULL) {
		return SUCCESS;
	}
	if (Z_TYPE_P(zv) == IS_STRING) {
		return read_path(zv, "log", &r->core.opt.log_file);
	}
	if (!zend_is_callable(zv, 0, NULL)) {
		return fail_type("log", "a file path or a callable", zv);
	}
	ZVAL_COPY(&r->log_callable, zv);
	return SUCCESS;
}

/* Nullable argv options (start, stop): null keeps the default. */
static zend_result read_argv_or_null(zval *zv, const char *key, char ***out)
{
	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) == IS_NULL) {
		return SUCCESS;
	}
	return read_argv(zv, key, out);
}

/* The defaults that depend on other options or on PHP: root, releases_dir,
 * php_binary, port_files, nginx.main_conf (the table's are applied first). */
static zend_result read_defaults(bg_options *opt)
{
	zval *const_root = zend_get_constant_str("EASYSWOOLE_ROOT", sizeof("EASYSWOOLE_ROOT") - 1);
	char cwd[PATH_MAX];

	if (!opt->root) {
		if (const_root && Z_TYPE_P(const_root) == IS_STRING) {
			if (read_dir(const_root, "root", &opt->root) == FAILURE) {
				return FAILURE;
			}
		} else if (getcwd(cwd, sizeof(cwd))) {
			opt->root = strdup(cwd);
		} else {
			return fail_value("Option \"root\" is not given and the current directory cannot be read");
		}
	}
	if (!opt->releases_dir) {
		char *slash;

		opt->releases_dir = strdup(opt->root);
		slash = strrchr(opt->releases_dir, '/');
		if (slash && slash != opt->releases_dir) {
			*slash = '\0';
		} else if (slash) {
			slash[1] = '\0';
		}
	}
	/* `php` in EasySwoole's start command (chosen per release when `start`
	 * is null) is the PHP running us. */
	opt->php_binary = strdup(PG(php_binary) && *PG(php_binary) ? PG(php_binary) : "php");
	if (!opt->port_files) {
		char *mode_file = bg_asprintf("%s.php", opt->mode);

		bg_strv_push(&opt->port_files, mode_file);
		free(mode_file);
	}
	if (!opt->nginx.main_conf) {
		opt->nginx.main_conf = strdup(opt->nginx.conf);
	}
	return SUCCESS;
}

/* --- the options table ------------------------------------------------------ */

/* An argv or path list as a PHP array, or null. */
static void strv_zval(zval *out, char *const *v)
{
	size_t i;

	if (!v) {
		ZVAL_NULL(out);
		return;
	}
	array_init(out);
	for (i = 0; v[i]; i++) {
		add_next_index_string(out, v[i]);
	}
}

static void add_strv(zval *arr, const char *key, char *const *v)
{
	zval list;

	strv_zval(&list, v);
	add_assoc_zval(arr, key, &list);
}

/* A list that is empty when unset. */
static void add_list(zval *arr, const char *key, char *const *v)
{
	zval list;

	if (v) {
		strv_zval(&list, v);
	} else {
		array_init(&list);
	}
	add_assoc_zval(arr, key, &list);
}

static void add_str(zval *arr, const char *key, const char *s)
{
	if (s) {
		add_assoc_string(arr, key, (char *) s);
	} else {
		add_assoc_null(arr, key);
	}
}

/* A credential is shown as set or not, never as itself. */
static void add_secret(zval *arr, const char *key, const char *s)
{
	add_str(arr, key, s ? "***" : NULL);
}

/* A URL with its user information masked. */
static void add_url(zval *arr, const char *key, const char *url)
{
	char *masked = url ? bg_releaser_mask_url(url) : NULL;

	add_str(arr, key, masked ? masked : (url ? "***" : NULL));
	free(masked);
}

static void add_build(zval *arr, const bg_options *opt)
{
	zval steps, step;
	size_t i;

	if (!opt->build_set) {
		add_assoc_null(arr, "build");
		return;
	}
	array_init(&steps);
	for (i = 0; opt->build && opt->build[i]; i++) {
		strv_zval(&step, opt->build[i]);
		add_next_index_zval(&steps, &step);
	}
	add_assoc_zval(arr, "build", &steps);
}

/* hooks: ['before_switch' => [[argv...], ...], ...]; a name that is not a
 * hook, or a value that is not a list of argv arrays, names its key. */
static zend_result read_hooks(php_bluegreen_releaser *r, zval *zv, const char *key)
{
	zend_string *name;
	zend_ulong idx;
	zval *list, *step;

	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_ARRAY) {
		return fail_type(key, "an array of hook name => list of argv arrays", zv);
	}
	ZEND_HASH_FOREACH_KEY_VAL(Z_ARRVAL_P(zv), idx, name, list) {
		char member[64];
		int h = 0;

		if (!name) {
			return fail_value("Unknown option \"%s." ZEND_ULONG_FMT "\"", key, idx);
		}
		while (h < BG_HOOK_COUNT && !zend_string_equals_cstr(name, bg_hook_names[h], strlen(bg_hook_names[h]))) {
			h++;
		}
		if (h == BG_HOOK_COUNT) {
			return fail_value("Unknown option \"%s.%s\"", key, ZSTR_VAL(name));
		}
		ZVAL_DEREF(list);
		if (Z_TYPE_P(list) != IS_ARRAY || !zend_array_is_list(Z_ARRVAL_P(list))) {
			snprintf(member, sizeof(member), "%s.%s", key, bg_hook_names[h]);
			return fail_type(member, "a list of argv arrays", list);
		}
		ZEND_HASH_FOREACH_NUM_KEY_VAL(Z_ARRVAL_P(list), idx, step) {
			char **argv = NULL;

			snprintf(member, sizeof(member), "%s.%s.%lu", key, bg_hook_names[h], (unsigned long) idx);
			if (read_argv(step, member, &argv) == FAILURE) {
				return FAILURE;
			}
			bg_argvv_push(&r->core.opt.hooks[h], argv);
		} ZEND_HASH_FOREACH_END();
	} ZEND_HASH_FOREACH_END();
	return SUCCESS;
}

static void dump_hooks(zval *arr, const php_bluegreen_releaser *r, const char *name)
{
	zval hooks, steps, step;
	size_t i;

	array_init(&hooks);
	for (int h = 0; h < BG_HOOK_COUNT; h++) {
		if (!r->core.opt.hooks[h]) {
			continue;
		}
		array_init(&steps);
		for (i = 0; r->core.opt.hooks[h][i]; i++) {
			strv_zval(&step, r->core.opt.hooks[h][i]);
			add_next_index_zval(&steps, &step);
		}
		add_assoc_zval(&hooks, bg_hook_names[h], &steps);
	}
	add_assoc_zval(arr, name, &hooks);
}

/* An int between 1 and 1000 (keep_releases, health.successes). */
static zend_result read_count(zval *zv, const char *key, long *out)
{
	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_LONG) {
		return fail_type(key, "of type int", zv);
	}
	if (Z_LVAL_P(zv) < 1 || Z_LVAL_P(zv) > 1000) {
		return fail_value("Option \"%s\" must be between 1 and 1000, " ZEND_LONG_FMT " given", key, Z_LVAL_P(zv));
	}
	*out = (long) Z_LVAL_P(zv);
	return SUCCESS;
}

/* git: its members, then the checks across them. */
static zend_result read_git(php_bluegreen_releaser *r, zval *v, const char *key)
{
	if (read_group(r, v, key) == FAILURE) {
		return FAILURE;
	}
	return check_git(&r->core.opt.git);
}

static void dump_remote(zval *arr, const php_bluegreen_releaser *r, const char *name)
{
	add_url(arr, name, r->core.opt.remote);
}

static void dump_build(zval *arr, const php_bluegreen_releaser *r, const char *name)
{
	add_build(arr, &r->core.opt);
}

/* metrics_file: a path, null for none. */
static zend_result read_metrics_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	ZVAL_DEREF(v);
	return Z_TYPE_P(v) == IS_NULL ? SUCCESS : read_path(v, key, &r->core.opt.metrics_file);
}

/* switch: "reload" (the upstream rewritten, nginx reloaded) or "socket"
 * (the live socket's symlink renamed over; nginx untouched). */
static zend_result read_switch_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	if (read_string(v, key, &r->core.opt.switch_kind) == FAILURE) {
		return FAILURE;
	}
	if (strcmp(r->core.opt.switch_kind, "reload") != 0 && strcmp(r->core.opt.switch_kind, "socket") != 0) {
		return fail_value("Option \"%s\" must be \"reload\" or \"socket\", \"%s\" given",
			key, r->core.opt.switch_kind);
	}
	return SUCCESS;
}

/* log_format: 'text' (the default) or 'json'. */
static zend_result read_log_format_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	ZVAL_DEREF(v);
	if (Z_TYPE_P(v) != IS_STRING) {
		return fail_type(key, "of type string", v);
	}
	if (!zend_string_equals_literal(Z_STR_P(v), "text") && !zend_string_equals_literal(Z_STR_P(v), "json")) {
		return fail_value("Option \"%s\" must be 'text' or 'json', \"%s\" given", key, Z_STRVAL_P(v));
	}
	r->core.opt.log_json = zend_string_equals_literal(Z_STR_P(v), "json");
	return SUCCESS;
}

static void dump_log_format(zval *info, const php_bluegreen_releaser *r, const char *key)
{
	add_assoc_string(info, key, r->core.opt.log_json ? "json" : "text");
}

/* trigger: a lowercase word (history's "trigger" of deploy() and rollback()). */
static zend_result read_trigger_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	size_t i;

	ZVAL_DEREF(v);
	if (Z_TYPE_P(v) == IS_NULL) {
		return SUCCESS;
	}
	if (read_string(v, key, &r->core.opt.trigger) == FAILURE) {
		return FAILURE;
	}
	for (i = 0; r->core.opt.trigger[i]; i++) {
		if (!(r->core.opt.trigger[i] >= 'a' && r->core.opt.trigger[i] <= 'z') || i >= 16) {
			return fail_value("Option \"%s\" must be a lowercase word of at most 16 letters, \"%s\" given",
				key, Z_STRVAL_P(v));
		}
	}
	return SUCCESS;
}

static void dump_fleet(zval *arr, const php_bluegreen_releaser *r, const char *name)
{
	const bg_fleet_options *f = &r->core.opt.fleet;
	zval fleet, canary;

	if (!f->store) {
		add_assoc_null(arr, name);
		return;
	}
	array_init(&fleet);
	add_url(&fleet, "store", f->store);
	add_str(&fleet, "name", f->name);
	add_str(&fleet, "host", f->host);
	add_assoc_long(&fleet, "parallel", f->parallel);
	add_assoc_double(&fleet, "slot_ttl", f->slot_ttl);
	add_assoc_double(&fleet, "timeout", f->timeout);
	add_assoc_string(&fleet, "on_halt", f->stay_on_halt ? "stay" : "rollback");
	array_init(&canary);
	add_assoc_long(&canary, "hosts", f->canary_hosts);
	add_assoc_double(&canary, "soak", f->canary_soak);
	add_assoc_zval(&fleet, "canary", &canary);
	add_assoc_zval(arr, name, &fleet);
}

static void dump_watch(zval *arr, const php_bluegreen_releaser *r, const char *name)
{
	const bg_watch_options *w = &r->core.opt.watch;
	zval watch;

	if (!w->on) {
		add_assoc_null(arr, name);
		return;
	}
	array_init(&watch);
	add_assoc_double(&watch, "seconds", w->seconds);
	add_assoc_double(&watch, "max_error_ratio", w->max_error_ratio);
	add_assoc_long(&watch, "min_requests", w->min_requests);
	add_str(&watch, "access_log", w->access_log);
	add_assoc_zval(arr, name, &watch);
}

static void dump_canary(zval *arr, const php_bluegreen_releaser *r, const char *name)
{
	const bg_canary_options *c = &r->core.opt.canary;
	zval canary;

	if (!c->on) {
		add_assoc_null(arr, name);
		return;
	}
	array_init(&canary);
	add_assoc_long(&canary, "weight", c->weight);
	add_assoc_double(&canary, "seconds", c->seconds);
	add_assoc_zval(arr, name, &canary);
}

static void dump_log(zval *arr, const php_bluegreen_releaser *r, const char *name)
{
	if (Z_TYPE(r->log_callable) != IS_UNDEF) {
		zval callable;

		ZVAL_COPY(&callable, &r->log_callable);
		add_assoc_zval(arr, name, &callable);
	} else {
		add_str(arr, name, r->core.opt.log_file);
	}
}

/* Every option, in the order var_dump shows them; a group's members follow
 * it, in their order. Adding one: a row here, its field in bg_options
 * (src/base/options.h; freed in bg_options_free when allocated), its line in
 * the README's Options table (tests/run.sh checks that the two list the
 * same keys), and a test. */
static const option_row option_rows[] = {
	{ "root", OPT_DIR, FIELD(root), NULL, NULL, NULL,
		"the checkout live now; default EASYSWOOLE_ROOT, else the current directory" },
	{ "remote", OPT_STRING, FIELD(remote), "origin", NULL, dump_remote,
		"remote name or URL (shown with its credentials masked)" },
	{ "branch", OPT_STRING, FIELD(branch), "master", read_branch, NULL, "the branch deployed" },
	{ "git", OPT_GROUP, 0, NULL, read_git, NULL, "credentials and SSH host key checks" },
	{ "git.username", OPT_STRING, FIELD(git.username), NULL, NULL, NULL, "for HTTPS and SSH" },
	{ "git.password", OPT_SECRET, FIELD(git.password), NULL, NULL, NULL, "for HTTPS" },
	{ "git.key", OPT_PATH, FIELD(git.key), NULL, NULL, NULL, "SSH private key; none: the ssh-agent" },
	{ "git.pubkey", OPT_PATH, FIELD(git.pubkey), NULL, NULL, NULL, "SSH public key; default key.pub" },
	{ "git.passphrase", OPT_SECRET, FIELD(git.passphrase), NULL, NULL, NULL, "for the SSH key" },
	{ "git.known_hosts", OPT_PATH, FIELD(git.known_hosts), NULL, NULL, NULL,
		"SSH host keys; default ~/.ssh/known_hosts" },
	{ "git.check_host", OPT_BOOL, FIELD(git.check_host), "true", NULL, NULL, "verify the SSH host key" },
	{ "releases_dir", OPT_DIR, FIELD(releases_dir), NULL, NULL, NULL,
		"where releases are made; default root's parent" },
	{ "ports", OPT_PORTS, FIELD(ports), "9501 9502", NULL, NULL, "the blue/green pair" },
	{ "host", OPT_STRING, FIELD(host), "127.0.0.1", read_host, NULL, "the services' address" },
	{ "mode", OPT_STRING, FIELD(mode), "dev", read_mode, NULL, "EasySwoole's run mode (<mode>.php)" },
	{ "port_files", OPT_RELPATHS, FIELD(port_files), NULL, NULL, NULL,
		"files holding the port; default [\"<mode>.php\"]" },
	{ "shared", OPT_RELPATHS, FIELD(shared), NULL, NULL, NULL, "paths linked from releases_dir/shared" },
	{ "build", OPT_CUSTOM, 0, NULL, read_build, dump_build,
		"argv list; null: composer install when composer.json exists" },
	{ "hooks", OPT_CUSTOM, 0, NULL, read_hooks, dump_hooks,
		"argv lists run before/after each step, after a deploy or rollback, on failure" },
	{ "start", OPT_ARGV_OR_NULL, FIELD(start), NULL, NULL, NULL, "argv; null: from the EasySwoole version" },
	{ "stop", OPT_ARGV_OR_NULL, FIELD(stop), NULL, NULL, NULL, "argv; null: SIGTERM to the port's owner" },
	{ "allow_shared_temp_dir", OPT_BOOL, FIELD(allow_shared_temp_dir), NULL, NULL, NULL,
		"let releases share one TEMP_DIR" },
	{ "health", OPT_GROUP, 0, NULL, NULL, NULL, "the health check a release must pass" },
	{ "health.path", OPT_STRING, FIELD(health_path), "/", read_health_path, NULL,
		"URL path asked for; null: TCP only" },
	{ "health.timeout", OPT_SECONDS, FIELD(health_timeout), "30", NULL, NULL, "seconds for the whole wait" },
	/* Three answers 0.2 s apart: a release that answers once and then fails
	 * (a worker dying on its first request, a crash right after boot) is
	 * caught, and a start (~0.1 s for an EasySwoole app) grows by 0.4 s. */
	{ "health.successes", OPT_COUNT, FIELD(health_successes), "3", NULL, NULL, "healthy answers in a row" },
	{ "health.interval", OPT_SECONDS, FIELD(health_interval), "0.2", NULL, NULL, "seconds between two answers" },
	{ "nginx", OPT_GROUP | OPT_REQUIRED, 0, NULL, NULL, NULL,
		"['conf' => file holding the upstream, 'upstream' => its name]" },
	{ "nginx.conf", OPT_PATH | OPT_REQUIRED, FIELD(nginx.conf), NULL, NULL, NULL,
		"the nginx config file holding the upstream" },
	{ "nginx.upstream", OPT_STRING | OPT_REQUIRED, FIELD(nginx.upstream), NULL, NULL, NULL,
		"the name of the upstream block to switch" },
	{ "nginx.binary", OPT_STRING, FIELD(nginx.binary), "nginx", NULL, NULL, "the nginx executable" },
	{ "nginx.prefix", OPT_DIR, FIELD(nginx.prefix), NULL, NULL, NULL, "the -p nginx was started with" },
	{ "nginx.main_conf", OPT_PATH, FIELD(nginx.main_conf), NULL, NULL, NULL, "the file nginx runs; default conf" },
	{ "nginx.pid", OPT_PATH, FIELD(nginx.pid), NULL, NULL, NULL, "pid file; default main_conf's pid" },
	{ "nginx.reload", OPT_ARGV, FIELD(nginx.reload), NULL, NULL, NULL, "argv; none: SIGHUP to the master" },
	{ "nginx.test", OPT_ARGV, FIELD(nginx.test), NULL, NULL, NULL, "argv; none: nginx -t" },
	{ "watch", OPT_GROUP, 0, NULL, read_watch, dump_watch,
		"null; or seconds, max_error_ratio, min_requests, access_log: the new release on trial" },
	/* Flagger's built-in check: a request success rate of at least 99 %
	 * (non-5xx) over a 1 min interval. Below 50 requests one error is more
	 * than 2 %: too few to judge by. */
	{ "watch.seconds", OPT_SECONDS, FIELD(watch.seconds), "60", NULL, NULL, "how long the old release is kept" },
	{ "watch.max_error_ratio", OPT_SECONDS_ZERO, FIELD(watch.max_error_ratio), "0.01", read_error_ratio, NULL,
		"5xx answers and upstream errors / requests that fails the release" },
	{ "watch.min_requests", OPT_LONG, FIELD(watch.min_requests), "50", read_min_requests, NULL,
		"below that many requests the ratio does not judge" },
	{ "watch.access_log", OPT_PATH, FIELD(watch.access_log), NULL, read_access_log, NULL,
		"nginx's log in the bluegreen format; null: the health check alone" },
	{ "canary", OPT_GROUP, 0, NULL, read_canary, dump_canary,
		"null; or weight (%), seconds: the new release's share before the switch" },
	/* kamal-proxy's and Flagger's examples start a canary at 10 %. */
	{ "canary.weight", OPT_LONG, FIELD(canary.weight), "10", read_canary_weight, NULL, "the new release's share, in %" },
	{ "canary.seconds", OPT_SECONDS, FIELD(canary.seconds), "60", NULL, NULL, "how long, judged as the watch judges" },
	{ "switch", OPT_STRING, FIELD(switch_kind), "reload", read_switch_row, NULL,
		"\"reload\": rewrite the upstream and reload nginx; \"socket\": rename a unix socket's symlink" },
	{ "live_socket", OPT_PATH, FIELD(live_socket), NULL, NULL, NULL,
		"socket switch: the symlink nginx's upstream names; default releases_dir/.bluegreen/live.sock" },
	{ "drain_timeout", OPT_SECONDS_ZERO, FIELD(drain_timeout), "30", NULL, NULL,
		"seconds for in-flight requests after the switch" },
	{ "stop_timeout", OPT_SECONDS, FIELD(stop_timeout), "30", NULL, NULL, "seconds from SIGTERM to SIGKILL" },
	{ "command_timeout", OPT_SECONDS, FIELD(command_timeout), "600", NULL, NULL,
		"seconds for a build step, a command, a git operation" },
	{ "retry_backoff", OPT_SECONDS_ZERO, FIELD(retry_backoff), "30", NULL, NULL,
		"seconds before tick() retries a deploy the environment failed" },
	{ "keep_releases", OPT_COUNT, FIELD(keep_releases), "5", NULL, NULL, "releases kept on disk" },
	{ "log", OPT_CUSTOM, 0, NULL, read_log, dump_log, "a file path or a callable; null: PHP's error log" },
	{ "log_format", OPT_CUSTOM, 0, NULL, read_log_format_row, dump_log_format,
		"'text' or 'json' (one JSON object per line; the callable's context alike)" },
	{ "metrics_file", OPT_STRING, FIELD(metrics_file), NULL, read_metrics_row, NULL,
		"Prometheus text file rewritten after each check and deploy; null: none" },
	{ "trigger", OPT_STRING, FIELD(trigger), NULL, read_trigger_row, NULL,
		"what history calls deploy() and rollback() calls; null: deploy, rollback" },
	{ "fleet", OPT_GROUP, 0, NULL, read_fleet, dump_fleet, "null: not a fleet member" },
	{ "fleet.store", OPT_STRING | OPT_REQUIRED, FIELD(fleet.store), NULL, NULL, NULL,
		"\"redis://host:port/db\" or \"etcd://host:port\"" },
	{ "fleet.name", OPT_STRING | OPT_REQUIRED, FIELD(fleet.name), NULL, NULL, NULL, "the fleet's name in the store" },
	{ "fleet.host", OPT_STRING, FIELD(fleet.host), NULL, NULL, NULL, "this member's name; default gethostname()" },
	{ "fleet.parallel", OPT_LONG, FIELD(fleet.parallel), "1", read_fleet_parallel, NULL, "hosts switching at once" },
	{ "fleet.slot_ttl", OPT_SECONDS, FIELD(fleet.slot_ttl), "30", NULL, NULL,
		"seconds a slot outlives its holder's last renewal" },
	{ "fleet.timeout", OPT_SECONDS, FIELD(fleet.timeout), "2", NULL, NULL, "seconds for each call to the store" },
	{ "fleet.on_halt", OPT_CUSTOM, 0, NULL, read_fleet_on_halt, NULL,
		"'rollback' (default) or 'stay': a member on a commit whose rollout halted" },
	{ "fleet.canary", OPT_GROUP, 0, NULL, read_fleet_canary, NULL, "null: no canary" },
	{ "fleet.canary.hosts", OPT_LONG, FIELD(fleet.canary_hosts), "0", read_canary_hosts, NULL,
		"members that switch first, alone" },
	{ "fleet.canary.soak", OPT_SECONDS_ZERO, FIELD(fleet.canary_soak), "0", NULL, NULL,
		"seconds the others wait after them" },
};

#define N_OPTIONS (sizeof(option_rows) / sizeof(option_rows[0]))

/* The row's name inside `group` ("timeout" of "health.timeout"), or NULL
 * when it is not a member of it; group NULL: the top level. */
static const char *member_of(const option_row *o, const char *group)
{
	size_t n;

	if (!group) {
		return strchr(o->key, '.') ? NULL : o->key;
	}
	n = strlen(group);
	return strncmp(o->key, group, n) == 0 && o->key[n] == '.' && !strchr(o->key + n + 1, '.') ? o->key + n + 1 : NULL;
}

static const option_row *find_option(const char *group, zend_string *key)
{
	size_t i;

	for (i = 0; i < N_OPTIONS; i++) {
		const char *name = member_of(&option_rows[i], group);

		if (name && zend_string_equals_cstr(key, name, strlen(name))) {
			return &option_rows[i];
		}
	}
	return NULL;
}

/* Every key of `ht` must be a row of `group` (NULL: the top level): a typo
 * must not be ignored. */
static zend_result check_keys(HashTable *ht, const char *group)
{
	zend_string *key;
	zend_ulong idx;

	ZEND_HASH_FOREACH_KEY(ht, idx, key) {
		if (!key) {
			return group
				? fail_value("Unknown option \"%s." ZEND_ULONG_FMT "\"", group, idx)
				: fail_value("Unknown option " ZEND_ULONG_FMT ": options are a string-keyed array", idx);
		}
		if (!find_option(group, key)) {
			return group
				? fail_value("Unknown option \"%s.%s\"", group, ZSTR_VAL(key))
				: fail_value("Unknown option \"%s\"", ZSTR_VAL(key));
		}
	} ZEND_HASH_FOREACH_END();
	return SUCCESS;
}

static zend_result fail_required(const option_row *o)
{
	return fail_value("Option \"%s\" is required: %s", o->key, o->doc);
}

static zend_result read_row(php_bluegreen_releaser *r, const option_row *o, zval *v)
{
	void *field = field_of(r, o);

	if (o->read) {
		return o->read(r, v, o->key);
	}
	switch (TYPE(o)) {
	case OPT_STRING:
	case OPT_SECRET: return read_string(v, o->key, field);
	case OPT_PATH: return read_path(v, o->key, field);
	case OPT_DIR: return read_dir(v, o->key, field);
	case OPT_SECONDS: return read_seconds(v, o->key, field, false);
	case OPT_SECONDS_ZERO: return read_seconds(v, o->key, field, true);
	case OPT_COUNT: return read_count(v, o->key, field);
	case OPT_BOOL: return read_bool(v, o->key, field);
	case OPT_PORTS: return read_ports(v, field);
	case OPT_RELPATHS: return read_relpaths(v, o->key, field);
	case OPT_ARGV: return read_argv(v, o->key, field);
	case OPT_ARGV_OR_NULL: return read_argv_or_null(v, o->key, field);
	case OPT_GROUP: return read_group(r, v, o->key);
	case OPT_LONG:
	case OPT_CUSTOM:
		break;
	}
	return SUCCESS; /* unreachable: such rows have a reader */
}

/* A group's array: its keys checked, then its members read in the table's
 * order, a required one missing named. */
static zend_result read_group(php_bluegreen_releaser *r, zval *zv, const char *group)
{
	HashTable *ht;
	size_t i;

	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_ARRAY) {
		return fail_type(group, "of type array", zv);
	}
	ht = Z_ARRVAL_P(zv);
	if (check_keys(ht, group) == FAILURE) {
		return FAILURE;
	}
	for (i = 0; i < N_OPTIONS; i++) {
		const option_row *o = &option_rows[i];
		const char *name = member_of(o, group);
		zval *v;

		if (!name) {
			continue;
		}
		if (!(v = zend_hash_str_find(ht, name, strlen(name)))) {
			if (o->type & OPT_REQUIRED) {
				return fail_required(o);
			}
			continue;
		}
		if (read_row(r, o, v) == FAILURE) {
			return FAILURE;
		}
	}
	return SUCCESS;
}

/* The table's defaults, read as if given (the array then overrides them). */
static zend_result table_defaults(php_bluegreen_releaser *r)
{
	size_t i;
	zend_result rc = SUCCESS;

	for (i = 0; i < N_OPTIONS && rc == SUCCESS; i++) {
		const option_row *o = &option_rows[i];
		zval v;
		int a, b;

		if (!o->def) {
			continue;
		}
		switch (TYPE(o)) {
		case OPT_SECONDS:
		case OPT_SECONDS_ZERO: ZVAL_DOUBLE(&v, strtod(o->def, NULL)); break;
		case OPT_COUNT:
		case OPT_LONG: ZVAL_LONG(&v, strtol(o->def, NULL, 10)); break;
		case OPT_BOOL: ZVAL_BOOL(&v, strcmp(o->def, "true") == 0); break;
		case OPT_PORTS:
			sscanf(o->def, "%d %d", &a, &b);
			array_init(&v);
			add_next_index_long(&v, a);
			add_next_index_long(&v, b);
			break;
		default: ZVAL_STRING(&v, o->def); break;
		}
		/* A default that failed its own row's check would make every
		 * constructor throw (construct_defaults.phpt). */
		rc = read_row(r, o, &v);
		zval_ptr_dtor(&v);
	}
	return rc;
}

static void dump_rows(zval *arr, const php_bluegreen_releaser *r, const char *group);

static void dump_row(zval *arr, const php_bluegreen_releaser *r, const option_row *o, const char *name)
{
	const char *field = (const char *) &r->core.opt + o->offset;
	zval sub;

	if (o->dump) {
		o->dump(arr, r, name);
		return;
	}
	switch (TYPE(o)) {
	case OPT_STRING:
	case OPT_PATH:
	case OPT_DIR: add_str(arr, name, *(char *const *) field); break;
	case OPT_SECRET: add_secret(arr, name, *(char *const *) field); break;
	case OPT_SECONDS:
	case OPT_SECONDS_ZERO: add_assoc_double(arr, name, *(const double *) field); break;
	case OPT_COUNT:
	case OPT_LONG: add_assoc_long(arr, name, *(const long *) field); break;
	case OPT_BOOL: add_assoc_bool(arr, name, *(const int *) field); break;
	case OPT_PORTS:
		array_init(&sub);
		add_next_index_long(&sub, ((const int *) field)[0]);
		add_next_index_long(&sub, ((const int *) field)[1]);
		add_assoc_zval(arr, name, &sub);
		break;
	case OPT_RELPATHS: add_list(arr, name, *(char **const *) field); break;
	case OPT_ARGV:
	case OPT_ARGV_OR_NULL: add_strv(arr, name, *(char **const *) field); break;
	case OPT_GROUP:
		array_init(&sub);
		dump_rows(&sub, r, o->key);
		add_assoc_zval(arr, name, &sub);
		break;
	case OPT_CUSTOM: break;
	}
}

static void dump_rows(zval *arr, const php_bluegreen_releaser *r, const char *group)
{
	size_t i;

	for (i = 0; i < N_OPTIONS; i++) {
		const char *name = member_of(&option_rows[i], group);

		if (name) {
			dump_row(arr, r, &option_rows[i], name);
		}
	}
}

void php_bluegreen_options_dump(const php_bluegreen_releaser *r, zval *info)
{
	dump_rows(info, r, NULL);
}

zend_result php_bluegreen_options_read(php_bluegreen_releaser *r, HashTable *options)
{
	zend_string *key;
	zval *v;
	bg_error err;
	size_t i;

	if (check_keys(options, NULL) == FAILURE) {
		goto fail;
	}
	for (i = 0; i < N_OPTIONS; i++) {
		const option_row *o = &option_rows[i];

		if ((o->type & OPT_REQUIRED) && member_of(o, NULL)
			&& !zend_hash_str_exists(options, o->key, strlen(o->key))) {
			fail_required(o);
			goto fail;
		}
	}
	if (table_defaults(r) == FAILURE) {
		goto fail;
	}
	ZEND_HASH_FOREACH_STR_KEY_VAL(options, key, v) {
		if (read_row(r, find_option(NULL, key), v) == FAILURE) {
			goto fail;
		}
	} ZEND_HASH_FOREACH_END();
	if (read_defaults(&r->core.opt) == FAILURE) {
		goto fail;
	}
	bg_error_clear(&err);
	if (bg_releaser_options_check(&r->core, &err) < 0) {
		php_bluegreen_throw(&err);
		goto fail;
	}
	return SUCCESS;

fail:
	bg_options_free(&r->core.opt);
	bg_options_init(&r->core.opt);
	zval_ptr_dtor(&r->log_callable);
	ZVAL_UNDEF(&r->log_callable);
	return FAILURE;
}
