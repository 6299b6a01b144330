/* TEMP_DIR: where a release's EasySwoole keeps its pid file and its unix
 * sockets.
 *
 * Two releases must not share it. Swoole's master writes the pid file once
 * it has daemonized and removes it when it exits, without looking whose pid
 * it holds; EasySwoole's bridge and task processes unlink their unix socket
 * before binding it. So a new release started with the live one's TEMP_DIR
 * takes over the live one's pid file (and deletes it when it is stopped)
 * and its sockets. EasySwoole's default, ROOT/Temp, is per release; an
 * absolute path in the mode file, or a `shared` Temp/, is not.
 *
 * EasySwoole never makes TEMP_DIR absolute, and Swoole's daemon changes to
 * / before it writes the pid file and before the processes that bind the
 * sockets start: a relative TEMP_DIR is therefore taken from /, the same
 * directory for every release. */
#include "app/easyswoole.h"
#include "base/fs.h"
#include "sys/spawn.h"
#include "base/strv.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Reading a config file is quick; a bootstrap.php that hangs must not hold
 * a deploy for command_timeout. */
#define BG_ES_READ_TIMEOUT_MS 30000

#define BG_ES_MARKER "bluegreen-temp-dir:"

/* The php child, run in the release: what EasySwoole's CLI does before it
 * reads the mode file (EASYSWOOLE_ROOT, the autoloader, bootstrap.php, the
 * server type constants of Core's constructor), then the file itself, and
 * TEMP_DIR as EasySwoole takes it: empty() means ROOT/Temp, else without
 * trailing '/'. Printed last, hex-encoded, so that no byte of it can be
 * mistaken for the end of the line. */
static const char read_temp_dir_php[] =
	"[, $root, $file] = $argv;"
	"define('EASYSWOOLE_ROOT', $root);"
	"if (is_file(\"$root/vendor/autoload.php\")) { require \"$root/vendor/autoload.php\"; }"
	"if (is_file(\"$root/bootstrap.php\")) { require_once \"$root/bootstrap.php\"; }"
	"foreach (['EASYSWOOLE_SERVER' => 1, 'EASYSWOOLE_WEB_SERVER' => 2, 'EASYSWOOLE_WEB_SOCKET_SERVER' => 3,"
	" 'EASYSWOOLE_REDIS_SERVER' => 4] as $k => $v) { defined($k) || define($k, $v); }"
	/* Swoole's own constants, which stock mode files use (SOCK_TYPE =>
	 * SWOOLE_TCP, RUN_MODEL => SWOOLE_PROCESS), for a PHP without Swoole:
	 * only TEMP_DIR is read here, so any value does. */
	"foreach (['SWOOLE_BASE' => 1, 'SWOOLE_PROCESS' => 2, 'SWOOLE_TCP' => 1, 'SWOOLE_UDP' => 2,"
	" 'SWOOLE_TCP6' => 3, 'SWOOLE_UDP6' => 4, 'SWOOLE_UNIX_DGRAM' => 5, 'SWOOLE_UNIX_STREAM' => 6,"
	" 'SWOOLE_SOCK_TCP' => 1, 'SWOOLE_SOCK_UDP' => 2, 'SWOOLE_SOCK_TCP6' => 3, 'SWOOLE_SOCK_UDP6' => 4,"
	" 'SWOOLE_SOCK_UNIX_DGRAM' => 5, 'SWOOLE_SOCK_UNIX_STREAM' => 6, 'SWOOLE_SSL' => 512, 'SWOOLE_KEEP' => 4096,"
	" 'SWOOLE_LOG_DEBUG' => 0, 'SWOOLE_LOG_TRACE' => 1, 'SWOOLE_LOG_INFO' => 2, 'SWOOLE_LOG_NOTICE' => 3,"
	" 'SWOOLE_LOG_WARNING' => 4, 'SWOOLE_LOG_ERROR' => 5, 'SWOOLE_LOG_NONE' => 6]"
	" as $k => $v) { defined($k) || define($k, $v); }"
	"$c = require $file;"
	"$t = is_array($c) ? ($c['TEMP_DIR'] ?? null) : [];"
	"if (!is_scalar($t) && $t !== null) {"
	" fwrite(STDERR, is_array($c) ? \"TEMP_DIR in $file is not a string\\n\" : \"$file returns no array\\n\");"
	" exit(1); }"
	"echo \"\\n" BG_ES_MARKER "\", empty($t) ? '-' : bin2hex(rtrim((string) $t, '/')), \"\\n\";";

/* A release's TEMP_DIR. */
typedef struct {
	char *value;   /* as its mode file sets it; NULL: EasySwoole's default */
	char *path;    /* the directory the daemon uses: absolute, links resolved */
} es_temp_dir;

static void temp_dir_free(es_temp_dir *t)
{
	free(t->value);
	free(t->path);
}

/* path with every part that exists resolved (realpath), the rest
 * normalized: a directory not created yet still compares right. */
static char *resolve_dir(const char *path)
{
	char resolved[PATH_MAX], *copy = strdup(path), *cut, *out = NULL;

	if (!copy) {
		return NULL;
	}
	bg_path_normalize(copy);
	for (cut = copy + strlen(copy); cut > copy; ) {
		char saved = *cut;

		*cut = '\0';
		if (realpath(copy, resolved)) {
			*cut = saved;
			if ((out = bg_asprintf("%s/%s", resolved, cut))) {
				bg_path_normalize(out);
			}
			break;
		}
		*cut = saved;
		while (--cut > copy && *cut != '/') {
			/* back to the parent */
		}
	}
	if (!out) {
		out = strdup(copy);
	}
	free(copy);
	return out;
}

/* The directory a daemon of the release at dir uses for TEMP_DIR `value`
 * (NULL: the default, ROOT/Temp; relative: from /), resolved. */
static char *daemon_dir(const char *dir, const char *value)
{
	char *path, *resolved;

	if (!value) {
		path = bg_asprintf("%s/Temp", dir);
	} else {
		path = bg_asprintf("%s%s", value[0] == '/' ? "" : "/", value);
	}
	resolved = path ? resolve_dir(path) : NULL;
	free(path);
	return resolved;
}

/* The hex after the marker in the child's output into t->value ('-': the
 * default); 0, or -1 when the output does not end that way. */
static int parse_output(const char *tail, es_temp_dir *t)
{
	const char *mark = NULL, *p, *hex;
	size_t n, i;

	for (p = tail; (p = strstr(p, BG_ES_MARKER)); p++) {
		if (p == tail || p[-1] == '\n') {
			mark = p;
		}
	}
	if (!mark) {
		return -1;
	}
	hex = mark + strlen(BG_ES_MARKER);
	n = strcspn(hex, "\r\n");
	if (n == 1 && hex[0] == '-') {
		return 0;
	}
	if (n % 2 || strspn(hex, "0123456789abcdef") < n || !(t->value = malloc(n / 2 + 1))) {
		return -1;
	}
	for (i = 0; i < n / 2; i++) {
		unsigned int byte;

		sscanf(hex + 2 * i, "%2x", &byte);
		t->value[i] = (char) byte;
	}
	t->value[n / 2] = '\0';
	return strlen(t->value) == n / 2 ? 0 : -1;  /* a NUL byte is no path */
}

/* Whether a command's argv[0] names a PHP binary: php, php8.2, /usr/bin/php82, php-cli. */
static int is_php(const char *arg0)
{
	const char *base = strrchr(arg0, '/');

	base = base ? base + 1 : arg0;
	if (strncmp(base, "php", 3) != 0) {
		return 0;
	}
	return strcmp(base + 3, "-cli") == 0 || strspn(base + 3, "0123456789.") == strlen(base + 3);
}

/* The reader's argv: the PHP binary and the php.ini options (-d, -c, -n)
 * of the `start` command when it runs php itself (a `start` that loads
 * Swoole with -d extension=swoole.so makes SWOOLE_TCP a constant only
 * there), else the PHP of the default start command. NULL when out of
 * memory. */
static char **reader_argv(const bg_options *opt, const char *dir, const char *file)
{
	char **argv = NULL, **start = opt->start;
	int fail = 0;
	size_t i = 1;

	fail |= bg_strv_push(&argv, start && is_php(start[0]) ? start[0] : opt->php_binary);
	for (; start && is_php(start[0]) && start[i] && start[i][0] == '-'; i++) {
		int with_value = strcmp(start[i], "-d") == 0 || strcmp(start[i], "-c") == 0;

		if (strncmp(start[i], "-d", 2) == 0 || strncmp(start[i], "-c", 2) == 0 || strcmp(start[i], "-n") == 0) {
			fail |= bg_strv_push(&argv, start[i]);
			if (with_value && start[i + 1]) {
				fail |= bg_strv_push(&argv, start[++i]);
			}
		} else if (strcmp(start[i], "--") == 0 || strcmp(start[i], "-f") == 0) {
			break;    /* the script comes next */
		}
	}
	{
		const char *rest[] = { "-d", "display_errors=stderr", "-d", "log_errors=0", "-r", read_temp_dir_php,
			"--", dir, file, NULL };

		for (i = 0; rest[i]; i++) {
			fail |= bg_strv_push(&argv, rest[i]);
		}
	}
	if (fail) {
		bg_strv_free(argv);
		return NULL;
	}
	return argv;
}

/* What the last reads found, per release directory and port: a release is
 * read once before its start, and again as the live one at the next
 * deploy, when its service runs with what that first read found. A php
 * child costs 40-150 ms; the mode file's identity (inode, size, mtime)
 * unchanged, its answer is taken from here. A port runs one release at a
 * time: a read for a port takes the slot of that port's last one (not the
 * live release's, which the next deploy asks for again). Fixed-size, no
 * heap: nothing grows over a releaser's months. */
#define BG_ES_MEMO_SLOTS 4

typedef struct {
	int used, port;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	char dir[PATH_MAX];
	int has_value;
	char value[PATH_MAX];
	char path[PATH_MAX];
} es_memo;

static es_memo memo[BG_ES_MEMO_SLOTS];
static int memo_next;

static int memo_matches(const es_memo *m, const char *dir, int port, const struct stat *st)
{
	return m->used && m->port == port && m->dev == st->st_dev && m->ino == st->st_ino && m->size == st->st_size
		&& m->mtime.tv_sec == st->st_mtim.tv_sec && m->mtime.tv_nsec == st->st_mtim.tv_nsec
		&& strcmp(m->dir, dir) == 0;
}

/* 1 and t filled when a read of this very file for dir and port is known. */
static int memo_get(const char *dir, int port, const struct stat *st, es_temp_dir *t)
{
	size_t i;

	for (i = 0; i < BG_ES_MEMO_SLOTS; i++) {
		if (memo_matches(&memo[i], dir, port, st)) {
			t->value = memo[i].has_value ? strdup(memo[i].value) : NULL;
			t->path = strdup(memo[i].path);
			if (t->path && (t->value || !memo[i].has_value)) {
				return 1;
			}
			temp_dir_free(t);
			memset(t, 0, sizeof(*t));
			return 0;
		}
	}
	return 0;
}

/* The slot for port: its last read's, else a free one, else the next in turn. */
static es_memo *memo_slot(int port)
{
	size_t i;

	for (i = 0; i < BG_ES_MEMO_SLOTS; i++) {
		if (memo[i].used && memo[i].port == port) {
			return &memo[i];
		}
	}
	for (i = 0; i < BG_ES_MEMO_SLOTS; i++) {
		if (!memo[i].used) {
			return &memo[i];
		}
	}
	memo_next = (memo_next + 1) % BG_ES_MEMO_SLOTS;
	return &memo[memo_next];
}

static void memo_put(const char *dir, int port, const struct stat *st, const es_temp_dir *t)
{
	es_memo *m;

	if (strlen(dir) >= sizeof(m->dir) || strlen(t->path) >= sizeof(m->path)
		|| (t->value && strlen(t->value) >= sizeof(m->value))) {
		return;
	}
	m = memo_slot(port);
	m->used = 1;
	m->port = port;
	m->dev = st->st_dev;
	m->ino = st->st_ino;
	m->size = st->st_size;
	m->mtime = st->st_mtim;
	snprintf(m->dir, sizeof(m->dir), "%s", dir);
	m->has_value = t->value != NULL;
	snprintf(m->value, sizeof(m->value), "%s", t->value ? t->value : "");
	snprintf(m->path, sizeof(m->path), "%s", t->path);
}

/* Runs the php child on dir's mode file, with the environment the start
 * command gets, and fills t. */
static int read_temp_dir(const bg_options *opt, const char *dir, int port, const char *commit,
	es_temp_dir *t, bg_error *err)
{
	char how[256];
	char *file = bg_asprintf("%s/%s.php", dir, opt->mode);
	bg_release_env env;
	int env_ok = bg_release_env_init(&env, port, commit, dir, bg_options_socket(opt, port)) == 0;
	char **argv = file ? reader_argv(opt, dir, file) : NULL;
	bg_spawn_opts o = { argv, dir, env.env, -1, 0, BG_ERR_CONFIG };
	double timeout = opt->command_timeout * 1000 < BG_ES_READ_TIMEOUT_MS
		? opt->command_timeout * 1000 : BG_ES_READ_TIMEOUT_MS;
	bg_run_result res;
	struct stat st;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	if (!file || !argv || !env_ok) {
		bg_error_set(err, BG_ERR_CONFIG, "out of memory");
		goto cleanup;
	}
	if (stat(file, &st) != 0) {
		bg_error_sys(err, BG_ERR_CONFIG, "cannot read TEMP_DIR: mode file %s (option \"mode\")", file);
		goto cleanup;
	}
	if (memo_get(dir, port, &st, t)) {
		rc = 0;
		goto cleanup;
	}
	if (bg_run(&o, timeout, NULL, &res, err) < 0) {
		bg_error_prefix(err, "cannot read TEMP_DIR from %s", file);
		goto cleanup;
	}
	if (!bg_exit_ok(&res.exit) || parse_output(res.tail, t) < 0) {
		bg_exit_describe(&res.exit, how, sizeof(how));
		bg_error_set(err, BG_ERR_CONFIG, "cannot read TEMP_DIR from %s: php requiring it, as EasySwoole does, "
			"ended with %s; output:\n%s", file, how, res.tail[0] ? res.tail : "(none)");
		goto cleanup;
	}
	rc = (t->path = daemon_dir(dir, t->value)) ? 0 : bg_error_set(err, BG_ERR_CONFIG, "out of memory");
	if (rc == 0) {
		memo_put(dir, port, &st, t);
	}

cleanup:
	if (rc < 0) {
		temp_dir_free(t);
	}
	free(file);
	bg_strv_free(argv);
	bg_release_env_free(&env);
	return rc;
}

/* "sets TEMP_DIR to /x" and the like, for messages. */
static char *describe(const es_temp_dir *t)
{
	if (!t->value) {
		return bg_asprintf("leaves TEMP_DIR to EasySwoole's default, ROOT/Temp (%s)", t->path);
	}
	if (t->value[0] != '/') {
		return bg_asprintf("sets TEMP_DIR to the relative path '%s', which Swoole's daemon takes from / (%s)",
			t->value, t->path);
	}
	if (strcmp(t->value, t->path) != 0) {
		return bg_asprintf("sets TEMP_DIR to %s (%s)", t->value, t->path);
	}
	return bg_asprintf("sets TEMP_DIR to %s", t->value);
}

static void warn_relative(const bg_options *opt, const bg_logger *log, const char *dir, const es_temp_dir *t)
{
	if (!t->value || t->value[0] == '/') {
		return;
	}
	bg_log(log, BG_LOG_WARNING, "start: %s/%s.php sets TEMP_DIR to the relative path '%s': Swoole's daemon "
		"changes to / before it writes the pid file and binds the unix sockets, so they go to %s, "
		"not into the release; write EASYSWOOLE_ROOT . '/%s'", dir, opt->mode, t->value, t->path, t->value);
}

/* The refusal (or, with allow_shared_temp_dir, the warning) naming both
 * releases, the directory, the risk and the fix. */
static int shared_temp_dir(const bg_options *opt, const bg_logger *log, const char *dir, const es_temp_dir *mine,
	const char *live_dir, int live_port, const es_temp_dir *live, bg_error *err)
{
	char *new_says = describe(mine), *live_says = describe(live), *whose = NULL;
	bg_error shared;

	/* The live one's words only when they differ (a link, another spelling). */
	if (new_says && live_says && strcmp(new_says, live_says) != 0) {
		whose = bg_asprintf(", whose %s.php %s", opt->mode, live_says);
	}
	bg_error_set(&shared, BG_ERR_CONFIG, "%s/%s.php %s, the same directory as the live release %s (port %d)%s. "
		"Started, the new master would overwrite and then delete the live one's pid file and re-bind its unix "
		"sockets. Give each release its own TEMP_DIR (EasySwoole's default, ROOT/Temp), or set "
		"allow_shared_temp_dir => true to accept the risk", dir, opt->mode, new_says ? new_says : "sets TEMP_DIR",
		live_dir, live_port, whose ? whose : "");
	free(new_says);
	free(live_says);
	free(whose);
	if (opt->allow_shared_temp_dir) {
		bg_log(log, BG_LOG_WARNING, "start: %s; allow_shared_temp_dir is set: starting anyway", shared.msg);
		return 0;
	}
	*err = shared;
	return -1;
}

void bg_es_read_temp_dirs(const bg_options *opt, const char *dir, int port, const char *commit,
	const char *live_dir, int live_port)
{
	es_temp_dir t;
	bg_error ignored;
	char *file = bg_asprintf("%s/%s.php", dir, opt->mode);
	int exists = file && bg_path_exists(file);

	free(file);
	if (!exists) {
		return;
	}
	if (read_temp_dir(opt, dir, port, commit, &t, &ignored) == 0) {
		temp_dir_free(&t);
	}
	if (live_dir && strcmp(live_dir, dir) != 0 && read_temp_dir(opt, live_dir, live_port, NULL, &t, &ignored) == 0) {
		temp_dir_free(&t);
	}
}

int bg_es_check_temp_dir(const bg_options *opt, const bg_logger *log, const char *dir, int port,
	const char *commit, const char *live_dir, int live_port, bg_error *err)
{
	es_temp_dir mine, live = { NULL, NULL };
	bg_error live_err, mine_err;
	char *file = bg_asprintf("%s/%s.php", dir, opt->mode);
	int rc = 0;

	/* Without a mode file there is no EasySwoole to protect (a `start` of
	 * another kind), or EasySwoole itself fails to start, saying why. */
	if (file && !bg_path_exists(file)) {
		bg_log(log, BG_LOG_WARNING, "start: no %s: TEMP_DIR not checked (option \"mode\" is \"%s\")",
			file, opt->mode);
		free(file);
		return 0;
	}
	free(file);
	/* A safety check must not block a valid deploy: a mode file that only
	 * the service itself can load (an extension its own command line
	 * brings, a bootstrap that needs its environment) is let through. */
	if (read_temp_dir(opt, dir, port, commit, &mine, &mine_err) < 0) {
		bg_log(log, BG_LOG_WARNING, "start: TEMP_DIR not checked: %s", mine_err.msg);
		return 0;
	}
	warn_relative(opt, log, dir, &mine);
	if (!live_dir || strcmp(live_dir, dir) == 0) {
		goto cleanup;
	}
	if (read_temp_dir(opt, live_dir, live_port, NULL, &live, &live_err) < 0) {
		bg_log(log, BG_LOG_WARNING, "start: cannot compare TEMP_DIR with the live release %s: %s",
			live_dir, live_err.msg);
		goto cleanup;
	}
	if (strcmp(mine.path, live.path) == 0) {
		rc = shared_temp_dir(opt, log, dir, &mine, live_dir, live_port, &live, err);
	}

cleanup:
	temp_dir_free(&mine);
	temp_dir_free(&live);
	return rc;
}
