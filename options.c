/* Reads the Releaser constructor's options array into a bg_options, once.
 *
 * Wrong types throw TypeError, bad values ValueError, and unknown keys
 * ValueError, each naming the key ("nginx.conf" for nested ones); missing
 * files and directories are the core's ConfigException (bg_options_check). */
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

static const char *const top_keys[] = {
	"root", "remote", "branch", "releases_dir", "ports", "host", "port_files",
	"shared", "build", "start", "stop", "health", "nginx", "drain_timeout",
	"stop_timeout", "command_timeout", "keep_releases", "log", "git", "mode",
	"allow_shared_temp_dir", "retry_backoff", NULL
};
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

/* Every key of `ht` must be one of `allowed`: a typo must not be ignored. */
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
	if (!opt->remote) {
		opt->remote = strdup("origin");
	}
	if (!opt->branch) {
		opt->branch = strdup("master");
	}
	if (!opt->host) {
		opt->host = strdup("127.0.0.1");
	}
	/* `php` in EasySwoole's start command (chosen per release when `start`
	 * is null) is the PHP running us. */
	opt->php_binary = strdup(PG(php_binary) && *PG(php_binary) ? PG(php_binary) : "php");
	if (!opt->mode) {
		opt->mode = strdup("dev");
	}
	if (!opt->port_files) {
		char *mode_file = bg_asprintf("%s.php", opt->mode);

		bg_strv_push(&opt->port_files, mode_file);
		free(mode_file);
	}
	return SUCCESS;
}

static zend_result read_one(php_bluegreen_releaser *r, zend_string *key, zval *v)
{
	bg_options *opt = &r->core.opt;
	const char *k = ZSTR_VAL(key);

	if (zend_string_equals_literal(key, "root")) return read_dir(v, k, &opt->root);
	if (zend_string_equals_literal(key, "remote")) return read_string(v, k, &opt->remote);
	if (zend_string_equals_literal(key, "branch")) return read_branch(v, &opt->branch);
	if (zend_string_equals_literal(key, "releases_dir")) return read_dir(v, k, &opt->releases_dir);
	if (zend_string_equals_literal(key, "ports")) return read_ports(v, opt->ports);
	if (zend_string_equals_literal(key, "host")) return read_host(v, &opt->host);
	if (zend_string_equals_literal(key, "port_files")) return read_relpaths(v, k, &opt->port_files);
	if (zend_string_equals_literal(key, "shared")) return read_relpaths(v, k, &opt->shared);
	if (zend_string_equals_literal(key, "build")) return read_build(v, opt);
	if (zend_string_equals_literal(key, "start")) return read_argv_or_null(v, k, &opt->start);
	if (zend_string_equals_literal(key, "stop")) return read_argv_or_null(v, k, &opt->stop);
	if (zend_string_equals_literal(key, "health")) return read_health(v, opt);
	if (zend_string_equals_literal(key, "nginx")) return read_nginx(v, &opt->nginx);
	if (zend_string_equals_literal(key, "drain_timeout")) return read_seconds(v, k, &opt->drain_timeout, true);
	if (zend_string_equals_literal(key, "stop_timeout")) return read_seconds(v, k, &opt->stop_timeout, false);
	if (zend_string_equals_literal(key, "command_timeout")) return read_seconds(v, k, &opt->command_timeout, false);
	if (zend_string_equals_literal(key, "keep_releases")) return read_keep(v, &opt->keep_releases);
	if (zend_string_equals_literal(key, "retry_backoff")) return read_seconds(v, k, &opt->retry_backoff, true);
	if (zend_string_equals_literal(key, "log")) return read_log(v, r);
	if (zend_string_equals_literal(key, "git")) return read_git(v, &opt->git);
	if (zend_string_equals_literal(key, "mode")) return read_mode(v, &opt->mode);
	if (zend_string_equals_literal(key, "allow_shared_temp_dir")) return read_bool(v, k, &opt->allow_shared_temp_dir);
	return SUCCESS; /* unreachable: check_keys ran first */
}

zend_result php_bluegreen_options_read(php_bluegreen_releaser *r, HashTable *options)
{
	zend_string *key;
	zval *v;
	bg_error err;

	if (check_keys(options, top_keys, NULL) == FAILURE) {
		goto fail;
	}
	if (!zend_hash_str_exists(options, "nginx", 5)) {
		fail_value("Option \"nginx\" is required: ['conf' => file holding the upstream, 'upstream' => its name]");
		goto fail;
	}
	ZEND_HASH_FOREACH_STR_KEY_VAL(options, key, v) {
		if (read_one(r, key, v) == FAILURE) {
			goto fail;
		}
	} ZEND_HASH_FOREACH_END();
	if (read_defaults(&r->core.opt) == FAILURE) {
		goto fail;
	}
	bg_error_clear(&err);
	if (bg_options_check(&r->core.opt, &err) < 0) {
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
