#include "base/options.h"
#include "base/strv.h"
#include "base/fs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *const bg_hook_names[BG_HOOK_COUNT + 1] = {
	"before_prepare", "after_prepare", "before_start", "after_start", "before_switch", "after_switch",
	"before_drain", "after_drain", "before_stop", "after_stop", "after_deploy", "after_rollback", "on_failure", NULL
};

void bg_options_init(bg_options *opt)
{
	memset(opt, 0, sizeof(*opt));
}

static void bg_nginx_options_free(bg_nginx_options *n)
{
	free(n->conf);
	free(n->upstream);
	free(n->binary);
	free(n->prefix);
	free(n->main_conf);
	free(n->pid);
	bg_strv_free(n->reload);
	bg_strv_free(n->test);
}

static void bg_git_options_free(bg_git_options *g)
{
	free(g->username);
	if (g->password) {
		/* Do not leave a credential in freed memory. */
		memset(g->password, 0, strlen(g->password));
		free(g->password);
	}
	free(g->key);
	free(g->pubkey);
	if (g->passphrase) {
		memset(g->passphrase, 0, strlen(g->passphrase));
		free(g->passphrase);
	}
	free(g->known_hosts);
}

void bg_options_free(bg_options *opt)
{
	free(opt->root);
	free(opt->remote);
	free(opt->branch);
	free(opt->releases_dir);
	free(opt->host);
	bg_strv_free(opt->port_files);
	bg_strv_free(opt->shared);
	bg_argvv_free(opt->build);
	bg_strv_free(opt->start);
	bg_strv_free(opt->stop);
	free(opt->health_path);
	free(opt->watch.access_log);
	bg_nginx_options_free(&opt->nginx);
	bg_git_options_free(&opt->git);
	if (opt->fleet.store) {
		/* The URL may hold a password. */
		memset(opt->fleet.store, 0, strlen(opt->fleet.store));
		free(opt->fleet.store);
	}
	free(opt->fleet.name);
	free(opt->fleet.host);
	free(opt->log_file);
	free(opt->metrics_file);
	free(opt->trigger);
	free(opt->mode);
	free(opt->php_binary);
	for (int i = 0; i < BG_HOOK_COUNT; i++) {
		bg_argvv_free(opt->hooks[i]);
	}
	free(opt->switch_kind);
	free(opt->live_socket);
	free(opt->sockets[0]);
	free(opt->sockets[1]);
	memset(opt, 0, sizeof(*opt));
}

static int bg_check_dir(const char *option, const char *path, bg_error *err)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		return bg_error_sys(err, BG_ERR_CONFIG, "Option \"%s\": directory %s", option, path);
	}
	if (!S_ISDIR(st.st_mode)) {
		return bg_error_set(err, BG_ERR_CONFIG, "Option \"%s\": %s is not a directory", option, path);
	}
	return 0;
}

static int bg_check_file(const char *option, const char *path, bg_error *err)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		return bg_error_sys(err, BG_ERR_CONFIG, "Option \"%s\": file %s", option, path);
	}
	if (!S_ISREG(st.st_mode)) {
		return bg_error_set(err, BG_ERR_CONFIG, "Option \"%s\": %s is not a regular file", option, path);
	}
	return 0;
}

/* A file we write: its directory must exist (NULL: no file, no check). */
static int bg_check_parent_dir(const char *option, const char *file, bg_error *err)
{
	char *dir, *slash;
	int rc;

	if (!file) {
		return 0;
	}
	if (!(dir = strdup(file))) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	if ((slash = strrchr(dir, '/'))) {
		*slash = '\0';
	}
	rc = bg_check_dir(option, *dir ? dir : "/", err);
	free(dir);
	return rc;
}

int bg_options_check(const bg_options *opt, bg_error *err)
{
	if (bg_check_dir("root", opt->root, err) < 0
		|| bg_check_dir("releases_dir", opt->releases_dir, err) < 0
		|| bg_check_file("nginx.conf", opt->nginx.conf, err) < 0
		|| bg_check_file("nginx.main_conf", opt->nginx.main_conf, err) < 0) {
		return -1;
	}
	if (opt->nginx.prefix && bg_check_dir("nginx.prefix", opt->nginx.prefix, err) < 0) {
		return -1;
	}
	if (bg_check_parent_dir("log", opt->log_file, err) < 0
		|| bg_check_parent_dir("metrics_file", opt->metrics_file, err) < 0) {
		return -1;
	}
	if (opt->git.key && bg_check_file("git.key", opt->git.key, err) < 0) {
		return -1;
	}
	if (opt->git.pubkey && bg_check_file("git.pubkey", opt->git.pubkey, err) < 0) {
		return -1;
	}
	if (opt->git.known_hosts && opt->git.check_host
		&& bg_check_file("git.known_hosts", opt->git.known_hosts, err) < 0) {
		return -1;
	}
	if (opt->canary.on && bg_options_socket_switch(opt)) {
		/* A canary weighs two upstream entries; the socket switch's upstream
		 * names one symlink, which points at one release. */
		return bg_error_set(err, BG_ERR_CONFIG, "Option \"canary\" needs \"switch\" => \"reload\": with the "
			"socket switch nginx's upstream names one socket, the live release's");
	}
	return 0;
}

int bg_options_set_host(bg_options *opt, const char *host)
{
	bg_netaddr addr;
	bg_netaddr_set set;
	char *copy;

	if (bg_netaddr_parse(host, &addr) < 0 || bg_netaddr_set_of(host, &set) < 0 || !(copy = strdup(host))) {
		return -1;
	}
	free(opt->host);
	opt->host = copy;
	opt->host_addr = addr;
	opt->host_addrs = set;
	return 0;
}

int bg_options_other_port(const bg_options *opt, int port)
{
	if (port == opt->ports[0]) {
		return opt->ports[1];
	}
	if (port == opt->ports[1]) {
		return opt->ports[0];
	}
	return 0;
}

int bg_options_socket_switch(const bg_options *opt)
{
	return opt->switch_kind && strcmp(opt->switch_kind, "socket") == 0;
}

const char *bg_options_socket(const bg_options *opt, int port)
{
	if (!bg_options_socket_switch(opt)) {
		return NULL;
	}
	return port == opt->ports[0] ? opt->sockets[0] : port == opt->ports[1] ? opt->sockets[1] : NULL;
}

char *bg_options_path(const char *cwd, const char *path)
{
	char *abs = path[0] == '/' ? strdup(path) : bg_asprintf("%s/%s", cwd, path);

	if (abs) {
		bg_path_normalize(abs);
	}
	return abs;
}
