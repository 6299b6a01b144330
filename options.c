/* Reads the Releaser constructor's options array into a bg_options, once.
 *
 * Wrong types throw TypeError, bad values ValueError, and unknown keys
 * ValueError, each naming the key ("nginx.conf" for nested ones); missing
 * files and directories are the core's ConfigException (bg_options_check).
 * Every top-level option is one row of `option_rows`: its key, type, field,
 * default, reader and var_dump, and a doc line. */
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

/* The top-level options are the rows of `option_rows` (below); the groups'
 * keys are these. */
static const char *const health_keys[] = { "path", "timeout", "successes", "interval", NULL };
static const char *const nginx_keys[] = {
	"conf", "upstream", "binary", "prefix", "main_conf", "pid", "reload", "test", NULL
};
static const char *const git_keys[] = {
	"username", "password", "key", "pubkey", "passphrase", "known_hosts", "check_host", NULL
};

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

static bool is_option(zend_string *key);

/* Every key of `ht` must be one of `allowed` (NULL: a row of the options
 * table): a typo must not be ignored. */
static zend_result check_keys(HashTable *ht, const char *const *allowed, const char *group)
{
	zend_string *key;
	zend_ulong idx;

	ZEND_HASH_FOREACH_KEY(ht, idx, key) {
		const char *const *k;

		if (!key) {
			return group
				? fail_value("Unknown option \"%s." ZEND_ULONG_FMT "\"", group, idx)
				: fail_value("Unknown option " ZEND_ULONG_FMT ": options are a string-keyed array", idx);
		}
		if (!allowed) {
			if (is_option(key)) {
				continue;
			}
			return fail_value("Unknown option \"%s\"", ZSTR_VAL(key));
		}
		for (k = allowed; *k; k++) {
			if (zend_string_equals_cstr(key, *k, strlen(*k))) {
				break;
			}
		}
		if (!*k) {
			return group
				? fail_value("Unknown option \"%s.%s\"", group, ZSTR_VAL(key))
				: fail_value("Unknown option \"%s\"", ZSTR_VAL(key));
		}
	} ZEND_HASH_FOREACH_END();
	return SUCCESS;
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
static zend_result read_mode(zval *zv, char **out)
{
	if (read_string(zv, "mode", out) == FAILURE) {
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

static zend_result read_host(zval *zv, char **out)
{
	unsigned char buf[16];

	if (read_string(zv, "host", out) == FAILURE) {
		return FAILURE;
	}
	if (strcmp(*out, "localhost") != 0 && inet_pton(AF_INET, *out, buf) != 1
		&& inet_pton(AF_INET6, *out, buf) != 1) {
		return fail_value("Option \"host\" must be an IP address or \"localhost\", \"%s\" given", *out);
	}
	return SUCCESS;
}

static zend_result read_branch(zval *zv, char **out)
{
	if (read_string(zv, "branch", out) == FAILURE) {
		return FAILURE;
	}
	if (!bg_releaser_branch_valid(*out)) {
		return fail_value("Option \"branch\" must be a valid branch name, \"%s\" given", *out);
	}
	return SUCCESS;
}

/* build: null for the default, else a list of argv arrays ([] for none). */
static zend_result read_build(zval *zv, bg_options *opt)
{
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

/* health.successes: how many healthy answers in a row open the gate. */
static zend_result read_successes(zval *zv, long *out)
{
	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_LONG) {
		return fail_type("health.successes", "of type int", zv);
	}
	if (Z_LVAL_P(zv) < 1 || Z_LVAL_P(zv) > 1000) {
		return fail_value("Option \"health.successes\" must be between 1 and 1000, " ZEND_LONG_FMT " given",
			Z_LVAL_P(zv));
	}
	*out = (long) Z_LVAL_P(zv);
	return SUCCESS;
}

static zend_result read_health(zval *zv, bg_options *opt)
{
	zval *v;

	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_ARRAY) {
		return fail_type("health", "of type array", zv);
	}
	if (check_keys(Z_ARRVAL_P(zv), health_keys, "health") == FAILURE) {
		return FAILURE;
	}
	if ((v = zend_hash_str_find_deref(Z_ARRVAL_P(zv), "path", 4))) {
		if (Z_TYPE_P(v) == IS_NULL) {
			free(opt->health_path);
			opt->health_path = NULL;
		} else if (read_string(v, "health.path", &opt->health_path) == FAILURE) {
			return FAILURE;
		} else if (opt->health_path[0] != '/' || strpbrk(opt->health_path, " \r\n\t")) {
			return fail_value("Option \"health.path\" must be an absolute URL path such as \"/health\", \"%s\" given",
				opt->health_path);
		}
	}
	if ((v = zend_hash_str_find(Z_ARRVAL_P(zv), "timeout", 7))
		&& read_seconds(v, "health.timeout", &opt->health_timeout, false) == FAILURE) {
		return FAILURE;
	}
	if ((v = zend_hash_str_find(Z_ARRVAL_P(zv), "successes", 9))
		&& read_successes(v, &opt->health_successes) == FAILURE) {
		return FAILURE;
	}
	if ((v = zend_hash_str_find(Z_ARRVAL_P(zv), "interval", 8))
		&& read_seconds(v, "health.interval", &opt->health_interval, false) == FAILURE) {
		return FAILURE;
	}
	return SUCCESS;
}

static zend_result read_nginx(zval *zv, bg_nginx_options *n)
{
	HashTable *ht;
	zval *v;

	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_ARRAY) {
		return fail_type("nginx", "of type array", zv);
	}
	ht = Z_ARRVAL_P(zv);
	if (check_keys(ht, nginx_keys, "nginx") == FAILURE) {
		return FAILURE;
	}
	if (!(v = zend_hash_str_find(ht, "conf", 4))) {
		return fail_value("Option \"nginx.conf\" is required: the nginx config file holding the upstream");
	}
	if (read_path(v, "nginx.conf", &n->conf) == FAILURE) {
		return FAILURE;
	}
	if (!(v = zend_hash_str_find(ht, "upstream", 8))) {
		return fail_value("Option \"nginx.upstream\" is required: the name of the upstream block to switch");
	}
	if (read_string(v, "nginx.upstream", &n->upstream) == FAILURE) {
		return FAILURE;
	}
	if ((v = zend_hash_str_find(ht, "binary", 6)) && read_string(v, "nginx.binary", &n->binary) == FAILURE) {
		return FAILURE;
	}
	if ((v = zend_hash_str_find(ht, "prefix", 6)) && read_dir(v, "nginx.prefix", &n->prefix) == FAILURE) {
		return FAILURE;
	}
	if ((v = zend_hash_str_find(ht, "main_conf", 9)) && read_path(v, "nginx.main_conf", &n->main_conf) == FAILURE) {
		return FAILURE;
	}
	if ((v = zend_hash_str_find(ht, "pid", 3)) && read_path(v, "nginx.pid", &n->pid) == FAILURE) {
		return FAILURE;
	}
	if ((v = zend_hash_str_find(ht, "reload", 6)) && read_argv(v, "nginx.reload", &n->reload) == FAILURE) {
		return FAILURE;
	}
	if ((v = zend_hash_str_find(ht, "test", 4)) && read_argv(v, "nginx.test", &n->test) == FAILURE) {
		return FAILURE;
	}
	if (!n->binary) {
		n->binary = strdup("nginx");
	}
	if (!n->main_conf) {
		n->main_conf = strdup(n->conf);
	}
	return SUCCESS;
}

/* The string options of the `git` group: which reader checks each. */
static const struct {
	const char *key;
	zend_result (*read)(zval *zv, const char *key, char **out);
	size_t offset;
} git_strings[] = {
	{ "username", read_string, offsetof(bg_git_options, username) },
	{ "password", read_string, offsetof(bg_git_options, password) },
	{ "key", read_path, offsetof(bg_git_options, key) },
	{ "pubkey", read_path, offsetof(bg_git_options, pubkey) },
	{ "passphrase", read_string, offsetof(bg_git_options, passphrase) },
	{ "known_hosts", read_path, offsetof(bg_git_options, known_hosts) },
};

/* git: credentials for the remote and how SSH host keys are checked. */
static zend_result read_git(zval *zv, bg_git_options *g)
{
	HashTable *ht;
	zval *v;
	size_t i;

	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_ARRAY) {
		return fail_type("git", "of type array", zv);
	}
	ht = Z_ARRVAL_P(zv);
	if (check_keys(ht, git_keys, "git") == FAILURE) {
		return FAILURE;
	}
	for (i = 0; i < sizeof(git_strings) / sizeof(git_strings[0]); i++) {
		char key[32];

		if (!(v = zend_hash_str_find(ht, git_strings[i].key, strlen(git_strings[i].key)))) {
			continue;
		}
		snprintf(key, sizeof(key), "git.%s", git_strings[i].key);
		if (git_strings[i].read(v, key, (char **) ((char *) g + git_strings[i].offset)) == FAILURE) {
			return FAILURE;
		}
	}
	if ((v = zend_hash_str_find(ht, ZEND_STRL("check_host")))
		&& read_bool(v, "git.check_host", &g->check_host) == FAILURE) {
		return FAILURE;
	}
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
static zend_result read_log(zval *zv, php_bluegreen_releaser *r)
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

static zend_result read_keep(zval *zv, long *out)
{
	ZVAL_DEREF(zv);
	if (Z_TYPE_P(zv) != IS_LONG) {
		return fail_type("keep_releases", "of type int", zv);
	}
	if (Z_LVAL_P(zv) < 1 || Z_LVAL_P(zv) > 1000) {
		return fail_value("Option \"keep_releases\" must be between 1 and 1000, " ZEND_LONG_FMT " given", Z_LVAL_P(zv));
	}
	*out = (long) Z_LVAL_P(zv);
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
 * php_binary, port_files (the table's defaults are applied first). */
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

static void add_git(zval *arr, const bg_git_options *g)
{
	zval git;

	array_init(&git);
	add_str(&git, "username", g->username);
	add_secret(&git, "password", g->password);
	add_str(&git, "key", g->key);
	add_str(&git, "pubkey", g->pubkey);
	add_secret(&git, "passphrase", g->passphrase);
	add_str(&git, "known_hosts", g->known_hosts);
	add_assoc_bool(&git, "check_host", g->check_host);
	add_assoc_zval(arr, "git", &git);
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

/* How a row is read, defaulted and shown, when it has no function of its own. */
typedef enum {
	OPT_STRING,        /* char *: non-empty, no NUL */
	OPT_DIR,           /* char *: a directory, resolved */
	OPT_SECONDS,       /* double: > 0 */
	OPT_SECONDS_ZERO,  /* double: >= 0 */
	OPT_LONG,          /* long (its reader checks the range) */
	OPT_BOOL,          /* int */
	OPT_RELPATHS,      /* char **: relative paths, [] when unset */
	OPT_ARGV,          /* char **: an argv, null for the default */
	OPT_GROUP,         /* read and shown by its own functions */
} option_type;

typedef struct {
	const char *key;
	option_type type;
	size_t offset;     /* its field in bg_options (not for OPT_GROUP) */
	const char *def;   /* its default, as text; NULL: none, or derived (read_defaults) */
	zend_result (*read)(php_bluegreen_releaser *r, zval *v, const char *key);  /* NULL: by type */
	void (*dump)(zval *info, const php_bluegreen_releaser *r, const char *key); /* NULL: by type */
	const char *doc;
} option_row;

#define FIELD(f) offsetof(bg_options, f)
#define OPT(r, off) ((char *) &(r)->core.opt + (off))

static zend_result read_branch_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_branch(v, &r->core.opt.branch);
}

static zend_result read_ports_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_ports(v, r->core.opt.ports);
}

static zend_result read_host_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_host(v, &r->core.opt.host);
}

static zend_result read_mode_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_mode(v, &r->core.opt.mode);
}

static zend_result read_build_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_build(v, &r->core.opt);
}

static zend_result read_health_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_health(v, &r->core.opt);
}

static zend_result read_nginx_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_nginx(v, &r->core.opt.nginx);
}

/* switch: "reload" (the upstream rewritten, nginx reloaded) or "socket"
 * (the live socket's symlink renamed over; nginx untouched). */
static zend_result read_switch_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	if (read_string(v, key, &r->core.opt.switch_kind) == FAILURE) {
		return FAILURE;
	}
	if (strcmp(r->core.opt.switch_kind, "reload") != 0 && strcmp(r->core.opt.switch_kind, "socket") != 0) {
		return fail_value("Option \"switch\" must be \"reload\" or \"socket\", \"%s\" given",
			r->core.opt.switch_kind);
	}
	return SUCCESS;
}

static zend_result read_live_socket_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_path(v, key, &r->core.opt.live_socket);
}

static zend_result read_keep_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_keep(v, &r->core.opt.keep_releases);
}

static zend_result read_log_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_log(v, r);
}

static zend_result read_git_row(php_bluegreen_releaser *r, zval *v, const char *key)
{
	return read_git(v, &r->core.opt.git);
}

static void dump_remote(zval *info, const php_bluegreen_releaser *r, const char *key)
{
	add_url(info, key, r->core.opt.remote);
}

static void dump_git(zval *info, const php_bluegreen_releaser *r, const char *key)
{
	add_git(info, &r->core.opt.git);
}

static void dump_ports(zval *info, const php_bluegreen_releaser *r, const char *key)
{
	zval ports;

	array_init(&ports);
	add_next_index_long(&ports, r->core.opt.ports[0]);
	add_next_index_long(&ports, r->core.opt.ports[1]);
	add_assoc_zval(info, key, &ports);
}

static void dump_build(zval *info, const php_bluegreen_releaser *r, const char *key)
{
	add_build(info, &r->core.opt);
}

static void dump_health(zval *info, const php_bluegreen_releaser *r, const char *key)
{
	const bg_options *o = &r->core.opt;
	zval health;

	array_init(&health);
	add_str(&health, "path", o->health_path);
	add_assoc_double(&health, "timeout", o->health_timeout);
	add_assoc_long(&health, "successes", o->health_successes);
	add_assoc_double(&health, "interval", o->health_interval);
	add_assoc_zval(info, key, &health);
}

static void dump_nginx(zval *info, const php_bluegreen_releaser *r, const char *key)
{
	const bg_nginx_options *n = &r->core.opt.nginx;
	zval nginx;

	array_init(&nginx);
	add_str(&nginx, "conf", n->conf);
	add_str(&nginx, "upstream", n->upstream);
	add_str(&nginx, "binary", n->binary);
	add_str(&nginx, "prefix", n->prefix);
	add_str(&nginx, "main_conf", n->main_conf);
	add_str(&nginx, "pid", n->pid);
	add_strv(&nginx, "reload", n->reload);
	add_strv(&nginx, "test", n->test);
	add_assoc_zval(info, key, &nginx);
}

static void dump_log(zval *info, const php_bluegreen_releaser *r, const char *key)
{
	if (Z_TYPE(r->log_callable) != IS_UNDEF) {
		zval callable;

		ZVAL_COPY(&callable, &r->log_callable);
		add_assoc_zval(info, key, &callable);
	} else {
		add_str(info, key, r->core.opt.log_file);
	}
}

/* Every top-level option, in the order var_dump shows them. Adding one: a
 * row here, its field in bg_options (src/base/options.h), its line in the
 * README's Options table, and a test. The groups (git, health, nginx) read
 * their own keys, listed above. */
static const option_row option_rows[] = {
	{ "root", OPT_DIR, FIELD(root), NULL, NULL, NULL,
		"the checkout live now; default EASYSWOOLE_ROOT, else the current directory" },
	{ "remote", OPT_STRING, FIELD(remote), "origin", NULL, dump_remote,
		"remote name or URL (shown with its credentials masked)" },
	{ "branch", OPT_STRING, FIELD(branch), "master", read_branch_row, NULL, "the branch deployed" },
	{ "git", OPT_GROUP, 0, NULL, read_git_row, dump_git, "credentials and SSH host key checks" },
	{ "releases_dir", OPT_DIR, FIELD(releases_dir), NULL, NULL, NULL,
		"where releases are made; default root's parent" },
	{ "ports", OPT_GROUP, 0, NULL, read_ports_row, dump_ports, "the pair of ports; default [9501, 9502]" },
	{ "host", OPT_STRING, FIELD(host), "127.0.0.1", read_host_row, NULL, "the services' address" },
	{ "mode", OPT_STRING, FIELD(mode), "dev", read_mode_row, NULL, "EasySwoole's run mode (<mode>.php)" },
	{ "port_files", OPT_RELPATHS, FIELD(port_files), NULL, NULL, NULL,
		"files holding the port; default [\"<mode>.php\"]" },
	{ "shared", OPT_RELPATHS, FIELD(shared), NULL, NULL, NULL, "paths linked from releases_dir/shared" },
	{ "build", OPT_GROUP, 0, NULL, read_build_row, dump_build,
		"argv list; null: composer install when composer.json exists" },
	{ "start", OPT_ARGV, FIELD(start), NULL, NULL, NULL, "argv; null: from the EasySwoole version" },
	{ "stop", OPT_ARGV, FIELD(stop), NULL, NULL, NULL, "argv; null: SIGTERM to the port's owner" },
	{ "allow_shared_temp_dir", OPT_BOOL, FIELD(allow_shared_temp_dir), NULL, NULL, NULL,
		"let releases share one TEMP_DIR" },
	{ "health", OPT_GROUP, 0, NULL, read_health_row, dump_health, "path, timeout, successes, interval" },
	{ "nginx", OPT_GROUP, 0, NULL, read_nginx_row, dump_nginx, "conf and upstream (required), commands" },
	{ "switch", OPT_STRING, FIELD(switch_kind), "reload", read_switch_row, NULL,
		"\"reload\": rewrite the upstream and reload nginx; \"socket\": rename a unix socket's symlink" },
	{ "live_socket", OPT_STRING, FIELD(live_socket), NULL, read_live_socket_row, NULL,
		"socket switch: the symlink nginx's upstream names; default releases_dir/.bluegreen/live.sock" },
	{ "drain_timeout", OPT_SECONDS_ZERO, FIELD(drain_timeout), "30", NULL, NULL,
		"seconds for in-flight requests after the switch" },
	{ "stop_timeout", OPT_SECONDS, FIELD(stop_timeout), "30", NULL, NULL, "seconds from SIGTERM to SIGKILL" },
	{ "command_timeout", OPT_SECONDS, FIELD(command_timeout), "600", NULL, NULL,
		"seconds for a build step, a command, a git operation" },
	{ "retry_backoff", OPT_SECONDS_ZERO, FIELD(retry_backoff), "30", NULL, NULL,
		"seconds before tick() retries a deploy the environment failed" },
	{ "keep_releases", OPT_LONG, FIELD(keep_releases), "5", read_keep_row, NULL, "releases kept on disk" },
	{ "log", OPT_GROUP, 0, NULL, read_log_row, dump_log, "a file path or a callable; null: PHP's error log" },
};

#define N_OPTIONS (sizeof(option_rows) / sizeof(option_rows[0]))

static const option_row *find_option(zend_string *key)
{
	size_t i;

	for (i = 0; i < N_OPTIONS; i++) {
		if (zend_string_equals_cstr(key, option_rows[i].key, strlen(option_rows[i].key))) {
			return &option_rows[i];
		}
	}
	return NULL;
}

static bool is_option(zend_string *key)
{
	return find_option(key) != NULL;
}

static zend_result read_row(php_bluegreen_releaser *r, const option_row *o, zval *v)
{
	void *field = OPT(r, o->offset);

	if (o->read) {
		return o->read(r, v, o->key);
	}
	switch (o->type) {
	case OPT_STRING: return read_string(v, o->key, field);
	case OPT_DIR: return read_dir(v, o->key, field);
	case OPT_SECONDS: return read_seconds(v, o->key, field, false);
	case OPT_SECONDS_ZERO: return read_seconds(v, o->key, field, true);
	case OPT_BOOL: return read_bool(v, o->key, field);
	case OPT_RELPATHS: return read_relpaths(v, o->key, field);
	case OPT_ARGV: return read_argv_or_null(v, o->key, field);
	case OPT_LONG:
	case OPT_GROUP:
		break;
	}
	return SUCCESS; /* unreachable: such rows have a reader */
}

/* The table's defaults: the numbers before the array is read (it overrides
 * them), the strings after, where the array gave none. */
static void table_defaults(bg_options *opt, bool numbers)
{
	size_t i;

	for (i = 0; i < N_OPTIONS; i++) {
		const option_row *o = &option_rows[i];
		char *field = (char *) opt + o->offset;

		if (!o->def) {
			continue;
		}
		if (numbers && (o->type == OPT_SECONDS || o->type == OPT_SECONDS_ZERO)) {
			*(double *) field = strtod(o->def, NULL);
		} else if (numbers && o->type == OPT_LONG) {
			*(long *) field = strtol(o->def, NULL, 10);
		} else if (!numbers && o->type == OPT_STRING && !*(char **) field) {
			*(char **) field = strdup(o->def);
		}
	}
}

void php_bluegreen_options_dump(const php_bluegreen_releaser *r, zval *info)
{
	size_t i;

	for (i = 0; i < N_OPTIONS; i++) {
		const option_row *o = &option_rows[i];
		const char *field = (const char *) &r->core.opt + o->offset;

		if (o->dump) {
			o->dump(info, r, o->key);
			continue;
		}
		switch (o->type) {
		case OPT_STRING:
		case OPT_DIR: add_str(info, o->key, *(char *const *) field); break;
		case OPT_SECONDS:
		case OPT_SECONDS_ZERO: add_assoc_double(info, o->key, *(const double *) field); break;
		case OPT_LONG: add_assoc_long(info, o->key, *(const long *) field); break;
		case OPT_BOOL: add_assoc_bool(info, o->key, *(const int *) field); break;
		case OPT_RELPATHS: add_list(info, o->key, *(char **const *) field); break;
		case OPT_ARGV: add_strv(info, o->key, *(char **const *) field); break;
		case OPT_GROUP: break;
		}
	}
}

static zend_result read_one(php_bluegreen_releaser *r, zend_string *key, zval *v)
{
	const option_row *o = find_option(key);

	return o ? read_row(r, o, v) : SUCCESS; /* NULL unreachable: check_keys ran first */
}

zend_result php_bluegreen_options_read(php_bluegreen_releaser *r, HashTable *options)
{
	zend_string *key;
	zval *v;
	bg_error err;

	if (check_keys(options, NULL, NULL) == FAILURE) {
		goto fail;
	}
	table_defaults(&r->core.opt, true);
	if (!zend_hash_str_exists(options, "nginx", 5)) {
		fail_value("Option \"nginx\" is required: ['conf' => file holding the upstream, 'upstream' => its name]");
		goto fail;
	}
	ZEND_HASH_FOREACH_STR_KEY_VAL(options, key, v) {
		if (read_one(r, key, v) == FAILURE) {
			goto fail;
		}
	} ZEND_HASH_FOREACH_END();
	table_defaults(&r->core.opt, false);
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
