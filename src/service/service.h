/* bluegreen core: the services of the pair — which port is live, starting a
 * release on the idle port until it is healthy, and stopping the service
 * behind a port once its connections have drained. */
#ifndef BG_SERVICE_H
#define BG_SERVICE_H

#include "base/error.h"
#include "base/log.h"
#include "base/options.h"
#include "sys/probe.h"
#include "layout/release.h"
#include "sys/proc.h"

#include <stddef.h>

typedef struct {
	int active;        /* the port nginx points to, when it accepts; 0 if none */
	int idle;          /* the other port of the pair */
	int listening[2];  /* the pair's ports that accept connections */
	int n_listening;
} bg_ports;

int bg_ports_read(const bg_options *opt, bg_ports *out, bg_error *err);

/* In socket mode (option "switch"), a port of the pair stands for its unix
 * socket (bg_options_socket): what follows asks that socket instead. */

/* The sockets listening on the port (its socket), and how many connections
 * to it are open. */
int bg_port_listen_inodes(const bg_options *opt, int port, bg_inode_list *out, bg_error *err);
int bg_port_connections(const bg_options *opt, int port, int *count, bg_error *err);

/* Whether host:port accepts a TCP connection now (a short probe). */
int bg_port_accepts(const bg_options *opt, int port);

/* One health check of host:port, bounded by BG_HEALTH_PROBE_MS: GET
 * health.path answers 2xx/3xx (a TCP connection when health.path is null).
 * The one probe of health: a start's wait, recovery and tick() all ask it.
 * 1 when healthy; else 0 with res saying why. */
#define BG_HEALTH_PROBE_MS 2000
int bg_service_healthy(const bg_options *opt, int port, bg_probe_result *res);

/* "GET /health answered HTTP 500", "connection refused": why a probe failed. */
void bg_health_describe(const bg_options *opt, const bg_probe_result *res, char *buf, size_t size);

/* Sets the port in the release's port files, runs `start` in it, detached,
 * and waits until the port is healthy health.successes times in a row. On failure everything it started is
 * stopped. Sets rel->port. */
int bg_service_start(const bg_options *opt, const bg_logger *log, bg_release *rel, int port, bg_error *err);

/* The same, with the live release's directory known (the pipeline's state):
 * the new release must not share its TEMP_DIR. */
int bg_service_start_beside(const bg_options *opt, const bg_logger *log, bg_release *rel, int port,
	const char *live_dir, bg_error *err);

/* Ahead of bg_service_start_beside(), once rel is built (the prepare step):
 * its port files set for port and the TEMP_DIR check's reads done, so that
 * the start step, between the build and the switch, spends no time on
 * them. Quiet: whatever fails here fails again, reported, in the start. */
void bg_service_ready(const bg_options *opt, const bg_release *rel, int port, const char *live_dir);

/* Starts the live release again on the port nginx points to, after its
 * service died: the start of bg_service_start(), where the port is the live
 * one (nothing listens there any more). Sets rel->port. */
int bg_service_restart_live(const bg_options *opt, const bg_logger *log, bg_release *rel, int port, bg_error *err);

/* Waits for host:port's connections to drain (unless `drained`), then stops
 * the service that owns its listening socket (or runs `stop` in release_dir,
 * which may be NULL to find it). Refuses the port nginx points to. */
int bg_service_stop(const bg_options *opt, const bg_logger *log, int port, const char *release_dir,
	int drained, bg_error *err);

/* Waits, bounded by drain_timeout, until no connection to host:port is
 * ESTABLISHED, and logs how long it took (or how many were left). */
void bg_service_drain(const bg_options *opt, const bg_logger *log, int port);

/* The same, until deadline_ms (bg_now_ms() time): the part of a drain left
 * once the old nginx workers were waited for, one deadline for the whole. */
void bg_service_drain_until(const bg_options *opt, const bg_logger *log, int port, double deadline_ms);

/* Stops whatever listens on port at once (no drain): a leftover that takes
 * no traffic. */
int bg_service_kill_port(const bg_options *opt, const bg_logger *log, int port, bg_error *err);

/* "port 9503 is not one of the pair 9501/9502" as BG_ERR_VALUE, or 0. */
int bg_check_pair_port(const bg_options *opt, int port, bg_error *err);

#endif
