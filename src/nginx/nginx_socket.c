/* The socket switch (option "switch" => "socket"): nginx's upstream names
 * one unix socket path, opt->live_socket, a symlink to the socket of the
 * live port of the pair. nginx resolves the path at every new upstream
 * connection, so the switch is one rename(2) of a new symlink over it: new
 * requests reach the new release at once, requests in flight finish on the
 * old one, and nginx is never rewritten nor reloaded (no worker restarts,
 * no idle keep-alive connection closed). */
#include "nginx/nginx.h"
#include "base/clock.h"
#include "base/fs.h"
#include "nginx/nginx_conf.h"
#include "sys/probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A new connection through the symlink reaches the new socket at once; this
 * bounds the proof. */
#define BG_SOCKET_PROOF_MS 1000

/* The socket the symlink points to, as an absolute path (a relative target
 * is relative to the link's directory). NULL with *missing when there is no
 * symlink. */
static char *link_target(const char *link, int *missing)
{
	char buf[4096], *slash;
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);

	*missing = n < 0 && errno == ENOENT;
	if (n < 0) {
		return NULL;
	}
	buf[n] = '\0';
	if (buf[0] == '/' || !(slash = strrchr(link, '/'))) {
		return strdup(buf);
	}
	return bg_asprintf("%.*s/%s", (int) (slash - link), link, buf);
}

int bg_nginx_socket_active_port(const bg_options *opt, int *port, bg_error *err)
{
	int missing, i;
	char *target = link_target(opt->live_socket, &missing);

	*port = 0;
	if (!target && missing) {
		/* Before the first switch: the first port's socket is the live one
		 * (the first release is started there by hand, as on TCP). */
		*port = opt->ports[0];
		return 0;
	}
	if (!target) {
		return bg_error_sys(err, BG_ERR_NGINX, "live socket %s (option \"live_socket\") is not a readable symlink",
			opt->live_socket);
	}
	for (i = 0; i < 2; i++) {
		if (strcmp(target, opt->sockets[i]) == 0) {
			*port = opt->ports[i];
		}
	}
	if (!*port) {
		bg_error_set(err, BG_ERR_NGINX, "live socket %s points to %s, which is neither %s nor %s (the sockets "
			"of ports %d and %d)", opt->live_socket, target, opt->sockets[0], opt->sockets[1], opt->ports[0],
			opt->ports[1]);
	}
	free(target);
	return *port ? 0 : -1;
}

/* --- the checks before a switch ------------------------------------------------ */

static int upstream_names_link(const bg_options *opt, bg_error *err)
{
	char *buf;
	size_t len;
	int rc;

	if (bg_read_file(opt->nginx.conf, &buf, &len, BG_ERR_NGINX, err) < 0) {
		return bg_error_prefix(err, "nginx.conf");
	}
	rc = bg_nginx_conf_names_socket(buf, len, opt->nginx.conf, opt->nginx.upstream, opt->live_socket, err);
	free(buf);
	return rc;
}

static int in_groups(const bg_proc_ids *ids, gid_t gid)
{
	size_t i;

	if (ids->gid == gid) {
		return 1;
	}
	for (i = 0; i < ids->n_groups; i++) {
		if (ids->groups[i] == gid) {
			return 1;
		}
	}
	return 0;
}

/* Whether ids may use the file's `bits` (S_IXOTH, S_IWOTH scaled up to the
 * owner's and group's), as the kernel decides for a process without
 * capabilities; root may do anything. */
static int permits(const bg_proc_ids *ids, const struct stat *st, mode_t other_bit)
{
	if (ids->uid == 0) {
		return 1;
	}
	if (st->st_uid == ids->uid) {
		return (st->st_mode & (other_bit << 6)) != 0;
	}
	if (in_groups(ids, st->st_gid)) {
		return (st->st_mode & (other_bit << 3)) != 0;
	}
	return (st->st_mode & other_bit) != 0;
}

/* Every directory on the way to path must be searchable by nginx's workers. */
static int reachable(const bg_proc_ids *ids, const char *what, const char *path, bg_error *err)
{
	char *dir = strdup(path), *slash;
	int rc = 0;

	if (!dir) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	for (slash = strchr(dir + 1, '/'); slash && rc == 0; slash = strchr(slash + 1, '/')) {
		struct stat st;

		*slash = '\0';
		if (stat(dir, &st) == 0 && !permits(ids, &st, S_IXOTH)) {
			rc = bg_error_set(err, BG_ERR_NGINX, "nginx's workers (uid %u, gid %u) cannot reach %s %s: directory %s "
				"is mode %04o, owned by uid %u gid %u; give them search permission (e.g. chmod o+x %s) or run "
				"them as a user that has it (nginx's `user` directive)", (unsigned) ids->uid, (unsigned) ids->gid,
				what, path, dir, (unsigned) (st.st_mode & 07777), (unsigned) st.st_uid, (unsigned) st.st_gid, dir);
		}
		*slash = '/';
	}
	free(dir);
	return rc;
}

/* nginx's workers connect to the socket through the symlink: they need to
 * reach both. Asked of a running worker (its ids are what count); without
 * a running nginx there is no one to ask. */
static int workers_reach(const bg_options *opt, const char *target, bg_error *err)
{
	bg_proc_ids ids;
	bg_error ignored;
	pid_t master, worker;

	if (bg_nginx_master(opt, &master, &ignored) < 0 || (worker = bg_proc_a_child(master)) == 0
		|| bg_proc_ids_of(worker, &ids) < 0) {
		return 0;
	}
	return reachable(&ids, "the live socket", opt->live_socket, err) < 0
		|| reachable(&ids, "the socket", target, err) < 0 ? -1 : 0;
}

/* --- the switch ---------------------------------------------------------------- */

/* The symlink made under a temporary name and renamed over the live one:
 * nginx sees the old target or the new one, never no socket. */
static int point_link(const char *link, const char *target, bg_error *err)
{
	char *tmp = bg_asprintf("%s.new", link);
	int rc = 0;

	if (!tmp) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	unlink(tmp);
	if (symlink(target, tmp) != 0) {
		rc = bg_error_sys(err, BG_ERR_NGINX, "cannot make the symlink %s", tmp);
	} else if (rename(tmp, link) != 0) {
		rc = bg_error_sys(err, BG_ERR_NGINX, "cannot rename %s over the live socket %s", tmp, link);
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* A new connection through the symlink, as nginx's next one, lands on the
 * socket the new service listens on. */
static int prove(const char *link, const char *target, bg_error *err)
{
	char peer[256];
	bg_probe_result res;

	if (!bg_probe_unix_peer(link, peer, sizeof(peer), BG_SOCKET_PROOF_MS, &res)) {
		return bg_error_set(err, BG_ERR_NGINX, "switch not proven: a new connection to the live socket %s "
			"failed: %s", link, res.error);
	}
	if (strcmp(peer, target) != 0) {
		return bg_error_set(err, BG_ERR_NGINX, "switch not proven: a new connection to the live socket %s "
			"reached %s, not %s", link, peer[0] ? peer : "an unnamed socket", target);
	}
	return 0;
}

int bg_nginx_socket_connectable(const bg_options *opt, int port, bg_error *err)
{
	const char *sock = bg_options_socket(opt, port);
	struct stat st;

	if (sock && stat(sock, &st) == 0 && (st.st_mode & 0666) != 0666 && chmod(sock, 0666) != 0) {
		return bg_error_sys(err, BG_ERR_NGINX, "cannot make the socket %s connectable for nginx (chmod 0666)", sock);
	}
	return 0;
}

int bg_nginx_socket_switch(const bg_options *opt, const bg_logger *log, int port, bg_switch *out, bg_error *err)
{
	double t0 = bg_now_ms();
	const char *target = bg_options_socket(opt, port);
	const char *before = bg_options_socket(opt, bg_options_other_port(opt, port));
	bg_log_ctx ctx = { "switch", 0, NULL, port };
	int from, missing;
	char *old = link_target(opt->live_socket, &missing);

	free(old);
	if (bg_nginx_socket_active_port(opt, &from, err) < 0) {
		return -1;
	}
	out->from = from;
	out->to = port;
	if (from == port && !missing) {
		bg_log(log, BG_LOG_INFO, "switch: the live socket %s already points to port %d's", opt->live_socket, port);
		return 0;
	}
	if (upstream_names_link(opt, err) < 0 || workers_reach(opt, target, err) < 0) {
		return -1;
	}
	if (bg_nginx_socket_connectable(opt, port, err) < 0) {
		return -1;
	}
	if (point_link(opt->live_socket, target, err) < 0) {
		return -1;
	}
	if (prove(opt->live_socket, target, err) < 0) {
		bg_error e;

		if (missing) {
			unlink(opt->live_socket);   /* as it was: no symlink yet */
		} else if (point_link(opt->live_socket, before, &e) < 0) {
			out->unsure = 1;
			bg_error_append(err, "; and putting the symlink back failed: %s", e.msg);
		}
		return -1;
	}
	ctx.duration_ms = bg_now_ms() - t0;
	bg_log_step(log, BG_LOG_INFO, &ctx, "switch: the live socket %s now points to %s (port %d) instead of port %d's; "
		"nginx not reloaded", opt->live_socket, target, port, from);
	return 0;
}
