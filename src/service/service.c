#include "service/service.h"
#include "service/service_internal.h"
#include "base/fs.h"
#include "nginx/nginx.h"
#include "app/portfile.h"
#include "sys/probe.h"
#include "layout/layout.h"
#include "layout/state.h"
#include "sys/proc.h"
#include "sys/spawn.h"
#include "base/strv.h"

#include <dirent.h>
#include <stdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A probe is local; a port that does not answer in this long is not up. */
#define BG_PROBE_MS 500

int bg_check_pair_port(const bg_options *opt, int port, bg_error *err)
{
	if (!bg_options_other_port(opt, port)) {
		return bg_error_set(err, BG_ERR_VALUE, "port %d is not one of the pair %d/%d (option \"ports\")",
			port, opt->ports[0], opt->ports[1]);
	}
	return 0;
}

int bg_port_accepts(const bg_options *opt, int port)
{
	const char *sock = bg_options_socket(opt, port);
	bg_probe_result res;

	return sock ? bg_probe_unix(sock, BG_PROBE_MS, &res) : bg_probe_tcp(&opt->host_addr, port, BG_PROBE_MS, &res);
}

int bg_service_healthy(const bg_options *opt, int port, bg_probe_result *res)
{
	const char *sock = bg_options_socket(opt, port);

	if (sock) {
		/* Socket switch: the port of the pair stands for its socket. */
		return opt->health_path ? bg_probe_http_unix(sock, opt->health_path, BG_HEALTH_PROBE_MS, res)
			: bg_probe_unix(sock, BG_HEALTH_PROBE_MS, res);
	}
	if (opt->health_path) {
		return bg_probe_http(&opt->host_addr, opt->host, port, opt->health_path, BG_HEALTH_PROBE_MS, res);
	}
	return bg_probe_tcp(&opt->host_addr, port, BG_HEALTH_PROBE_MS, res);
}

void bg_health_describe(const bg_options *opt, const bg_probe_result *res, char *buf, size_t size)
{
	if (res->status == 404) {
		/* A stock EasySwoole app has no /health: say what to change. */
		snprintf(buf, size, "GET %s answered HTTP 404 (the release has no route for %s: add one, or set "
			"the option health.path to a path it answers, e.g. '/')", opt->health_path, opt->health_path);
	} else if (res->status) {
		snprintf(buf, size, "GET %s answered HTTP %d", opt->health_path, res->status);
	} else {
		snprintf(buf, size, "%s", res->error[0] ? res->error : "no answer");
	}
}

int bg_ports_read(const bg_options *opt, bg_ports *out, bg_error *err)
{
	int nginx_port, i;

	if (bg_nginx_active_port(opt, &nginx_port, err) < 0) {
		return -1;
	}
	out->n_listening = 0;
	out->active = 0;
	for (i = 0; i < 2; i++) {
		if (bg_port_accepts(opt, opt->ports[i])) {
			out->listening[out->n_listening++] = opt->ports[i];
			if (opt->ports[i] == nginx_port) {
				out->active = nginx_port;
			}
		}
	}
	out->idle = bg_options_other_port(opt, nginx_port);
	return 0;
}

/* Whether the release at dir sets `port` in its first port file; *mtime
 * says when that file was last written. */
static int release_names_port(const bg_options *opt, const char *dir, int port, struct timespec *mtime)
{
	char *path, *buf;
	size_t len;
	bg_error ignored;
	struct stat st;
	int names = 0;

	if (!opt->port_files || !opt->port_files[0] || !(path = bg_asprintf("%s/%s", dir, opt->port_files[0]))) {
		return 0;
	}
	if (stat(path, &st) == 0 && bg_read_file(path, &buf, &len, BG_ERR_CONFIG, &ignored) == 0) {
		names = bg_portfile_names(buf, len, port);
		*mtime = st.st_mtim;
		free(buf);
	}
	free(path);
	return names;
}

static int newest_first(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*b)->d_name, (*a)->d_name);
}

static int is_release_dir(const struct dirent *e)
{
	return bg_layout_is_release(e->d_name);
}

/* Whether two releases were made in the same second (their names say). */
static int same_second(const char *a, const char *b)
{
	bg_release_name x, y;

	return bg_layout_parse_release_name(a, &x) == 0 && bg_layout_parse_release_name(b, &y) == 0
		&& strcmp(x.stamp, y.stamp) == 0;
}

static int later(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec != b->tv_sec ? a->tv_sec > b->tv_sec : a->tv_nsec > b->tv_nsec;
}

char *bg_release_dir_for_port(const bg_options *opt, int port, const char *except)
{
	struct dirent **list;
	struct timespec best_mtime = { 0, 0 }, mtime;
	char *found = NULL;
	int n, i, best = -1;

	n = scandir(opt->releases_dir, &list, is_release_dir, newest_first);
	/* The newest by name; among releases made in the same second (a
	 * script, a test), the one whose port file was written last. */
	for (i = 0; i < n; i++) {
		char *dir;

		if (best >= 0 && !same_second(list[i]->d_name, list[best]->d_name)) {
			break;              /* an older second: the best is found */
		}
		dir = bg_asprintf("%s/%s", opt->releases_dir, list[i]->d_name);

		if (dir && (!except || strcmp(dir, except) != 0) && release_names_port(opt, dir, port, &mtime)
			&& (best < 0 || later(&mtime, &best_mtime))) {
			free(found);
			found = dir;
			best = i;
			best_mtime = mtime;
		} else {
			free(dir);
		}
	}
	for (i = 0; i < n; i++) {
		free(list[i]);
	}
	if (n >= 0) {
		free(list);
	}
	return found ? found : strdup(opt->root);
}

int bg_port_listen_inodes(const bg_options *opt, int port, bg_inode_list *out, bg_error *err)
{
	const char *sock = bg_options_socket(opt, port);

	return sock ? bg_proc_unix_listen_inodes(sock, out, err) : bg_proc_listen_inodes(&opt->host_addrs, port, out, err);
}

int bg_port_connections(const bg_options *opt, int port, int *count, bg_error *err)
{
	const char *sock = bg_options_socket(opt, port);

	return sock ? bg_proc_unix_established(sock, count, err) : bg_proc_established(&opt->host_addrs, port, count, err);
}

int bg_port_owners(const bg_options *opt, int port, bg_pid_list *owners, bg_error *err)
{
	bg_inode_list inodes = { NULL, 0 };
	int rc;

	if (bg_port_listen_inodes(opt, port, &inodes, err) < 0) {
		return -1;
	}
	rc = bg_proc_socket_owners(&inodes, owners, err);
	bg_inode_list_free(&inodes);
	return rc;
}

int bg_ports_owners(const bg_options *opt, int port_a, bg_pid_list *a, int port_b, bg_pid_list *b, bg_error *err)
{
	bg_inode_list in_a = { NULL, 0 }, in_b = { NULL, 0 };
	int rc = -1;

	if ((!port_a || bg_port_listen_inodes(opt, port_a, &in_a, err) == 0)
		&& bg_port_listen_inodes(opt, port_b, &in_b, err) == 0) {
		rc = bg_proc_socket_owners2(&in_a, a, &in_b, b, err);
	}
	bg_inode_list_free(&in_a);
	bg_inode_list_free(&in_b);
	return rc;
}

int bg_refuse_live_port(const bg_options *opt, int port, const char *action, const char *what, int *live,
	bg_error *err)
{
	if (bg_nginx_active_port(opt, live, err) < 0) {
		return -1;
	}
	if (*live == port) {
		return bg_error_set(err, BG_ERR_START, "refusing to %s port %d: nginx (%s, upstream \"%s\") points there, "
			"it is %s", action, port, opt->nginx.conf, opt->nginx.upstream, what);
	}
	return 0;
}

int bg_port_listening(const bg_options *opt, int port, int *listening, bg_error *err)
{
	bg_inode_list inodes = { NULL, 0 };

	if (bg_port_listen_inodes(opt, port, &inodes, err) < 0) {
		return -1;
	}
	*listening = inodes.n > 0;
	bg_inode_list_free(&inodes);
	return 0;
}

int bg_port_wait_closed(const bg_options *opt, int port, double ms, bg_error *err)
{
	/* A stopped EasySwoole service closes its port within ~100 ms: polled
	 * at most 10 ms apart for the first second, so that the stop ends
	 * within a few ms of it (a sock_diag query costs next to nothing), then
	 * at most 50 ms apart. */
	double t0 = bg_now_ms(), deadline = t0 + ms, pause = 2;
	int listening = 1;

	while (bg_port_listening(opt, port, &listening, err) == 0 && listening && bg_now_ms() < deadline) {
		double most = bg_now_ms() - t0 < 1000 ? 10 : 50;

		bg_sleep_ms(pause);
		pause = pause * 1.5 < most ? pause * 1.5 : most;
	}
	return !listening;
}

/* Where our processes run, canonical: root (the first release, cloned by
 * hand), and in releases_dir only what bluegreen made there (releases,
 * shared/, bluegreen's own directory: bg_layout_is_own_entry). Not the rest of releases_dir, which defaults to
 * root's parent and may hold other apps. */
typedef struct {
	char *root;
	char *releases;
} our_dirs;

static void our_dirs_read(const bg_options *opt, our_dirs *d)
{
	d->root = realpath(opt->root, NULL);
	d->releases = realpath(opt->releases_dir, NULL);
}

static void our_dirs_free(our_dirs *d)
{
	free(d->root);
	free(d->releases);
}

static int canonical_is_ours(const char *real, void *data)
{
	const our_dirs *d = data;
	const char *below;
	size_t n, name;

	if (d->root && bg_path_is_under(real, d->root)) {
		return 1;
	}
	if (!d->releases || !bg_path_is_under(real, d->releases) || real[n = strlen(d->releases)] == '\0') {
		return 0;
	}
	below = real + n + (real[n] == '/');   /* the entry of releases_dir it is in */
	name = strcspn(below, "/");
	return bg_layout_is_own_entry(below, name);
}

/* Whether path (relative ones from cwd) resolves to a place of ours. */
static int path_is_ours(const our_dirs *d, const char *cwd, const char *path)
{
	char *joined = path[0] == '/' || !cwd ? strdup(path) : bg_asprintf("%s/%s", cwd, path);
	char *real = joined ? realpath(joined, NULL) : NULL;
	int ours = real && canonical_is_ours(real, (void *) d);

	free(joined);
	free(real);
	return ours;
}

/* The script an interpreter runs (`php easyswoole server start`): its first
 * argument that is not an option and names a regular file from its cwd. */
static const char *script_of(const char *cwd, char *const *argv)
{
	struct stat st;
	size_t i;

	for (i = 1; argv && argv[i]; i++) {
		char *path = argv[i][0] == '/' || !cwd ? strdup(argv[i]) : bg_asprintf("%s/%s", cwd, argv[i]);
		int is_file = argv[i][0] != '-' && path && stat(path, &st) == 0 && S_ISREG(st.st_mode);

		free(path);
		if (is_file) {
			return argv[i];
		}
	}
	return NULL;
}

static int is_own_ancestor(pid_t pid)
{
	pid_t p;

	for (p = getpid(); p > 1; p = bg_proc_ppid(p)) {
		if (p == pid) {
			return 1;
		}
	}
	return 0;
}

/* Whether state.json records pid, at its start time, as a service we started. */
static int state_records(const bg_options *opt, pid_t pid)
{
	bg_state st;
	bg_error ignored;
	int found = bg_state_load(opt, &st, &ignored) == 0 && bg_state_has_service(&st, (int) pid, bg_proc_starttime(pid));

	bg_state_free(&st);
	return found;
}

int bg_proc_is_ours(const bg_options *opt, pid_t pid, char *proof, size_t size)
{
	our_dirs d;
	char *cwd, *exe, *release, **argv, written[512];
	const char *script;
	int ours = 1;

	if (is_own_ancestor(pid)) {
		snprintf(proof, size, "this releaser runs inside it");
		return 1;
	}
	our_dirs_read(opt, &d);
	cwd = bg_proc_link(pid, "cwd");
	exe = bg_proc_link(pid, "exe");
	release = bg_proc_environ_get(pid, BG_ENV_RELEASE);
	argv = bg_proc_argv(pid);
	script = script_of(cwd, argv);
	if (cwd && path_is_ours(&d, NULL, cwd)) {
		snprintf(proof, size, "its working directory is %s", cwd);
	} else if (exe && path_is_ours(&d, NULL, exe)) {
		snprintf(proof, size, "its executable is %s", exe);
	} else if (script && path_is_ours(&d, cwd, script)) {
		snprintf(proof, size, "it runs the script %s from %s", script, cwd);
	} else if (release && path_is_ours(&d, NULL, release)) {
		snprintf(proof, size, "its environment names the release %s", release);
	} else if (state_records(opt, pid)) {
		snprintf(proof, size, "bluegreen started it (" BG_LAYOUT_STATE_FILE " records it)");
	} else if (bg_proc_writes_where(pid, canonical_is_ours, &d, written, sizeof(written))) {
		snprintf(proof, size, "it writes %s", written);
	} else {
		ours = 0;
	}
	free(cwd);
	free(exe);
	free(release);
	bg_strv_free(argv);
	our_dirs_free(&d);
	return ours;
}

/* "not ours" as the error, naming the process, what it runs, and the port. */
static int refuse_stranger(const bg_options *opt, int port, pid_t pid, bg_error *err)
{
	char who[400], *cwd = bg_proc_link(pid, "cwd");

	bg_proc_describe(pid, who, sizeof(who));
	bg_error_set(err, BG_ERR_START, "port %d is held by %s (in %s), which is not one of bluegreen's releases: "
		"neither its working directory, executable, script, environment nor open files lead to root (%s) or "
		"to what bluegreen made in releases_dir (%s/" BG_LAYOUT_RELEASE_PREFIX "*, " BG_LAYOUT_SHARED_DIR ", "
		BG_LAYOUT_OWN_DIR "), nor does " BG_LAYOUT_STATE_FILE " record it; refusing to stop it. "
		"Stop it yourself, or give bluegreen ports of its own (option \"ports\")",
		port, who, cwd ? cwd : "?", opt->root, opt->releases_dir);
	free(cwd);
	return -1;
}

/* The service roots among owners, each proven ours. */
static int owners_proven(const bg_options *opt, int port, const bg_pid_list *owners, bg_pid_list *roots,
	bg_error *err)
{
	char proof[600];
	size_t i;

	if (bg_proc_service_roots(owners, roots, err) < 0) {
		return -1;
	}
	/* The other owners descend from a root: one proof covers each tree. */
	for (i = 0; i < roots->n; i++) {
		if (!bg_proc_is_ours(opt, roots->pids[i], proof, sizeof(proof))) {
			return refuse_stranger(opt, port, roots->pids[i], err);
		}
	}
	return 0;
}

int bg_port_owners_ours(const bg_options *opt, int port, bg_pid_list *owners, bg_pid_list *roots,
	bg_error *err)
{
	return bg_port_owners(opt, port, owners, err) < 0 ? -1 : owners_proven(opt, port, owners, roots, err);
}

/* SIGKILL to everything still holding the port's listening socket, once
 * proven ours again (the port may have changed hands meanwhile). */
static int kill_remaining_owners(const bg_options *opt, const bg_logger *log, int port, bg_error *err)
{
	bg_pid_list owners = { NULL, 0 }, roots = { NULL, 0 };
	int left;

	if (bg_port_owners_ours(opt, port, &owners, &roots, err) < 0) {
		bg_pid_list_free(&owners);
		bg_pid_list_free(&roots);
		return -1;
	}
	bg_log(log, BG_LOG_WARNING, "stop: port %d still listening after %.0f s; SIGKILL to %zu process(es)",
		port, opt->stop_timeout, owners.n);
	bg_proc_signal(&owners, SIGKILL);
	left = bg_proc_wait_gone(&owners, 2000);
	bg_pid_list_free(&owners);
	bg_pid_list_free(&roots);
	if (left > 0 || !bg_port_wait_closed(opt, port, 2000, err)) {
		return bg_error_set(err, BG_ERR_START, "port %d is still listening after SIGKILL", port);
	}
	return 0;
}

int bg_stop_port_owners(const bg_options *opt, const bg_logger *log, int port,
	const bg_stop_how *how, bg_error *err)
{
	bg_pid_list owners = { NULL, 0 }, roots = { NULL, 0 };
	int rc = -1;
	size_t i;

	for (i = 0; how->owners && i < how->owners->n; i++) {
		if (bg_pid_list_add(&owners, how->owners->pids[i]) < 0) {
			bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
			goto cleanup;
		}
	}
	if (how->owners ? owners_proven(opt, port, &owners, &roots, err) < 0
		: bg_port_owners_ours(opt, port, &owners, &roots, err) < 0) {
		goto cleanup;
	}
	if (how->run) {
		if (how->run(opt, log, port, how->data, err) < 0) {
			goto cleanup;
		}
	} else {
		for (i = 0; i < roots.n; i++) {
			bg_log(log, BG_LOG_INFO, "stop: SIGTERM to pid %d, the service on port %d", (int) roots.pids[i], port);
			kill(roots.pids[i], SIGTERM);
		}
	}
	if (how->detach) {
		bg_pid_list_free(how->roots);
		*how->roots = roots;
		roots.pids = NULL;
		roots.n = 0;
		rc = 0;
		goto cleanup;
	}
	if (!bg_port_wait_closed(opt, port, opt->stop_timeout * 1000, err) && kill_remaining_owners(opt, log, port, err) < 0) {
		goto cleanup;
	}
	/* The service's processes may still be finishing; reap ours meanwhile. */
	bg_proc_wait_gone(&owners, 2000);
	rc = 0;

cleanup:
	bg_pid_list_free(&owners);
	bg_pid_list_free(&roots);
	return rc;
}

int bg_service_kill_port(const bg_options *opt, const bg_logger *log, int port, bg_error *err)
{
	bg_stop_how sigterm = { NULL, NULL, 0, NULL, NULL };

	return bg_stop_port_owners(opt, log, port, &sigterm, err);
}
