/* Facts about the nginx the releaser drives: the upstream's port, the
 * master's pid, and where its error log is. */
#include "nginx/nginx.h"
#include "nginx/nginx_internal.h"
#include "base/fs.h"
#include "nginx/nginx_conf.h"
#include "base/strv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bg_nginx_active_port(const bg_options *opt, int *port, bg_error *err)
{
	char *buf;
	size_t len;
	int rc;

	if (bg_options_socket_switch(opt)) {
		return bg_nginx_socket_active_port(opt, port, err);
	}
	if (bg_read_file(opt->nginx.conf, &buf, &len, BG_ERR_NGINX, err) < 0) {
		return bg_error_prefix(err, "nginx.conf");
	}
	rc = bg_nginx_conf_active_port(buf, len, opt->nginx.conf, opt->nginx.upstream, opt->host,
		opt->ports, port, err);
	free(buf);
	return rc;
}

/* A path from the main config: relative ones are relative to the prefix, as
 * nginx reads them (without `nginx.prefix`, to the main config's directory). */
char *bg_nginx_prefixed(const bg_options *opt, const char *path)
{
	char *dir, *slash, *full;

	if (path[0] == '/') {
		return strdup(path);
	}
	if (opt->nginx.prefix) {
		return bg_asprintf("%s/%s", opt->nginx.prefix, path);
	}
	dir = strdup(opt->nginx.main_conf);
	if (!dir) {
		return NULL;
	}
	if ((slash = strrchr(dir, '/'))) {
		*slash = '\0';
	}
	full = bg_asprintf("%s/%s", dir, path);
	free(dir);
	return full;
}

/* The first argument of a main-context directive of the main config, as a
 * path, or NULL (err unset) when the directive is absent. */
char *bg_nginx_main_path(const bg_options *opt, const char *directive, bg_error *err)
{
	char *buf, *value = NULL, *path = NULL;
	size_t len;

	if (bg_read_file(opt->nginx.main_conf, &buf, &len, BG_ERR_NGINX, err) < 0) {
		bg_error_prefix(err, "nginx.main_conf");
		return NULL;
	}
	if (bg_nginx_conf_main_directive(buf, len, opt->nginx.main_conf, directive, &value, err) == 0 && value) {
		path = bg_nginx_prefixed(opt, value);
	}
	free(value);
	free(buf);
	return path;
}

static char *pid_file(const bg_options *opt, bg_error *err)
{
	char *path;

	if (opt->nginx.pid) {
		return strdup(opt->nginx.pid);
	}
	bg_error_clear(err);
	path = bg_nginx_main_path(opt, "pid", err);
	if (!path && err->code == BG_OK) {
		path = strdup("/run/nginx.pid");
	}
	return path;
}

/* Whether pid is a live process named nginx (a stale pid file may name a
 * pid that now belongs to something else). */
static int is_nginx(pid_t pid)
{
	char comm[32];

	return bg_proc_state_of(pid) == BG_PROC_ALIVE && bg_proc_comm(pid, comm, sizeof(comm)) == 0
		&& strncmp(comm, "nginx", 5) == 0;
}

int bg_nginx_master(const bg_options *opt, pid_t *master, bg_error *err)
{
	char *path = pid_file(opt, err), *buf = NULL;
	size_t len;
	long pid;
	int rc = -1;

	if (!path) {
		return -1;
	}
	if (bg_read_file(path, &buf, &len, BG_ERR_NGINX, err) < 0) {
		bg_error_prefix(err, "nginx is not running, or option \"nginx.pid\" is wrong: pid file");
		goto cleanup;
	}
	pid = strtol(buf, NULL, 10);
	if (pid <= 0) {
		bg_error_set(err, BG_ERR_NGINX, "nginx pid file %s holds no pid", path);
		goto cleanup;
	}
	if (!is_nginx((pid_t) pid)) {
		bg_error_set(err, BG_ERR_NGINX, "stale nginx pid file %s: pid %ld is not a running nginx master "
			"(is nginx running?)", path, pid);
		goto cleanup;
	}
	*master = (pid_t) pid;
	rc = 0;

cleanup:
	free(buf);
	free(path);
	return rc;
}

void bg_switch_free(bg_switch *sw)
{
	bg_pid_list_free(&sw->old_workers);
}
