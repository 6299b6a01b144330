/* bluegreen core: what service.c shares with service_start.c and
 * service_stop.c, and nobody else needs. */
#ifndef BG_SERVICE_INTERNAL_H
#define BG_SERVICE_INTERNAL_H

#include "base/error.h"
#include "base/log.h"
#include "base/options.h"
#include "sys/proc.h"

/* The processes holding host:port's listening socket. */
int bg_port_owners(const bg_options *opt, int port, bg_pid_list *owners, bg_error *err);

/* The holders of two ports' listening sockets in one pass over the processes (port_a 0:
 * none): what a stop needs of the old port and of the live one. */
int bg_ports_owners(const bg_options *opt, int port_a, bg_pid_list *a, int port_b, bg_pid_list *b, bg_error *err);

/* Whether pid is proven to be bluegreen's to stop, and how (`proof`): an
 * ancestor of this releaser (a releaser inside the service); its working
 * directory, executable, or script (resolved against its cwd) under
 * root or what bluegreen made in releases_dir (bg_layout_is_own_entry);
 * BLUEGREEN_RELEASE, which every command we start gets, naming
 * a directory there; state.json recording it as a service we started; or a
 * file there it holds open for writing (EasySwoole's daemon changes to /
 * and sets a process title, but keeps Log/swoole.log open). The one proof
 * for every process bluegreen signals because it holds a port. */
int bg_proc_is_ours(const bg_options *opt, pid_t pid, char *proof, size_t size);

/* bg_port_owners() and their service roots, each root proven ours, else
 * BG_ERR_START naming the stranger (pid, command line) and the port. */
int bg_port_owners_ours(const bg_options *opt, int port, bg_pid_list *owners, bg_pid_list *roots,
	bg_error *err);

/* The port nginx points to into *live (0: none), and BG_ERR_START when it is
 * `port`: "refusing to <action> port N: nginx (conf, upstream) points there,
 * it is <what>". Neither start nor stop touches the live service's port. */
int bg_refuse_live_port(const bg_options *opt, int port, const char *action, const char *what, int *live,
	bg_error *err);

/* Whether a socket listens on host:port (from the kernel's socket table, no connect). */
int bg_port_listening(const bg_options *opt, int port, int *listening, bg_error *err);

/* Waits, at most ms, polling, for nothing to listen on host:port any more;
 * 1 when so. */
int bg_port_wait_closed(const bg_options *opt, int port, double ms, bg_error *err);

/* The release that serves port: the newest release-* directory other than
 * `except` (a release about to start; NULL for none) whose first port file
 * names the port, else root (malloc'd; NULL when out of memory). Where
 * `stop` runs, and whose TEMP_DIR a new release must not share. (The
 * pipeline passes the one its state records instead.) */
char *bg_release_dir_for_port(const bg_options *opt, int port, const char *except);

/* How to ask the service on a port to stop: run() (the `stop` command), or
 * SIGTERM to the service's roots when run is NULL; then wait for the port to
 * close, or not (`detach`: a releaser inside the service would wait for its
 * own death), the roots then handed to *roots for the caller to watch. */
typedef struct {
	int (*run)(const bg_options *opt, const bg_logger *log, int port, void *data, bg_error *err);
	void *data;
	int detach;
	bg_pid_list *roots;    /* with detach: the service's roots, the caller's to free */
	const bg_pid_list *owners; /* the port's socket's holders found just before; NULL: found here */
} bg_stop_how;

/* The one stop: proves the owners of port's socket ours, asks them to stop
 * as `how` says, and unless detached waits up to stop_timeout for the port
 * to close, then SIGKILLs whatever still holds it. */
int bg_stop_port_owners(const bg_options *opt, const bg_logger *log, int port,
	const bg_stop_how *how, bg_error *err);

#endif
