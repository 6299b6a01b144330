/* bluegreen core: nginx, as the releaser drives it: which port the upstream
 * points to, and the switch (rewrite, test, reload, verify). */
#ifndef BG_NGINX_H
#define BG_NGINX_H

#include "base/error.h"
#include "base/log.h"
#include "base/options.h"
#include "sys/proc.h"

#include <sys/types.h>

/* The port the `nginx.conf` upstream points to, read with the config parser
 * (BG_ERR_NGINX naming the file and line when it cannot say). In socket
 * mode, the port whose socket the live_socket symlink points to (the first
 * port of the pair while there is no symlink yet). */
int bg_nginx_active_port(const bg_options *opt, int *port, bg_error *err);

/* The running master: its pid read from the pid file (`nginx.pid`, else the
 * main config's `pid`, else /run/nginx.pid), checked to be a live nginx. */
int bg_nginx_master(const bg_options *opt, pid_t *master, bg_error *err);

/* What a switch did. */
typedef struct {
	int from;                  /* the port nginx pointed to before */
	int to;                    /* the port it points to now */
	pid_t master;
	bg_pid_list old_workers;   /* still finishing requests sent to `from`:
	                            * stop `from` only once they are gone */
	int unsure;                /* a failed switch: nginx may still run the
	                            * new config (the restored one did not load) */
} bg_switch;

void bg_switch_free(bg_switch *sw);

/* Points the upstream at `port`: the config rewritten in place (only the
 * server entries' ports), tested, nginx reloaded, and the reload proven by
 * new workers. On any failure the original bytes are put back (and nginx
 * reloaded with them if it had been). A switch to the live port does nothing. */
int bg_nginx_switch(const bg_options *opt, const bg_logger *log, int port, bg_switch *out, bg_error *err);

/* The canary: the upstream holds `port` with weight `weight` (1..99) beside
 * the port it points to now, with the rest (bg_nginx_conf_canary): written,
 * tested, reloaded, proven, the file restored on failure. bg_nginx_switch()
 * ends a canary: to either port alone, the config as it was before it. */
int bg_nginx_canary(const bg_options *opt, const bg_logger *log, int port, int weight, bg_switch *out, bg_error *err);

/* nginx_socket.c, the socket switch: bg_nginx_active_port and
 * bg_nginx_switch in socket mode. The switch checks first that nginx's
 * upstream names the symlink and that nginx's workers can reach it and the
 * socket (BG_ERR_NGINX saying what to change); then renames a new symlink
 * over the live one and proves that a new connection through it reaches the
 * new socket (else puts the old symlink back). out->old_workers stays empty:
 * no nginx worker is replaced. */
int bg_nginx_socket_active_port(const bg_options *opt, int *port, bg_error *err);
int bg_nginx_socket_switch(const bg_options *opt, const bg_logger *log, int port, bg_switch *out, bg_error *err);

/* Socket mode: port's socket made connectable for nginx's workers, who may
 * run as another user (connect(2) needs write permission on the socket):
 * chmod 0666, since who reaches its directory decides, as anyone on the
 * host reaches a loopback port. Done by every start (a heal's restart on
 * the live port takes traffic without a switch) and by the switch. 0 in
 * reload mode, or when the socket is missing. */
int bg_nginx_socket_connectable(const bg_options *opt, int port, bg_error *err);

/* Reloads nginx with its config as it is on disk and waits until it took
 * it (new workers, old ones no longer accepting) or refused it. Nothing to
 * do in socket mode. */
int bg_nginx_reload(const bg_options *opt, const bg_logger *log, bg_error *err);

#endif
