/* bluegreen core: is a service there, and is it healthy? Plain sockets with
 * timeouts; no child process. */
#ifndef BG_PROBE_H
#define BG_PROBE_H

#include "base/netaddr.h"

#include <stddef.h>

typedef struct {
	int status;         /* the HTTP status; 0 when no response was read */
	char error[256];    /* why there is no status: "connection refused", ... */
} bg_probe_result;

/* 1 when addr:port accepts a TCP connection within timeout_ms, else 0 with
 * the reason in res->error. */
int bg_probe_tcp(const bg_netaddr *addr, int port, double timeout_ms, bg_probe_result *res);

/* GET path from addr:port (HTTP/1.1, Host: host:port, Connection: close),
 * the status line read within timeout_ms. 1 when the status is 2xx or 3xx,
 * else 0 with res->status or res->error saying why. */
int bg_probe_http(const bg_netaddr *addr, const char *host, int port, const char *path, double timeout_ms,
	bg_probe_result *res);

/* The same over a unix stream socket at path (a symlink is followed, as
 * nginx's connect() follows it): the connection, and GET http_path with
 * "Host: localhost". */
int bg_probe_unix(const char *path, double timeout_ms, bg_probe_result *res);
int bg_probe_http_unix(const char *path, const char *http_path, double timeout_ms, bg_probe_result *res);

/* Connects to the unix socket at path and puts the address the accepting
 * socket is bound to (the path its server bound, symlinks resolved by the
 * kernel at connect) into peer. 1 when connected, else 0 with res->error. */
int bg_probe_unix_peer(const char *path, char *peer, size_t size, double timeout_ms, bg_probe_result *res);

#endif
