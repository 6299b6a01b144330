/* bluegreen core: TCP sockets from the kernel's sock_diag netlink interface
 * (what `ss` uses). Asked for listening and established sockets only, the
 * kernel skips the TIME_WAIT ones, which a busy service behind nginx with
 * `Connection: close` piles up by the hundred thousand: /proc/net/tcp then
 * takes half a second to read, sock_diag a millisecond. */
#ifndef BG_SOCKDIAG_H
#define BG_SOCKDIAG_H

#include "base/netaddr.h"

#define BG_TCP_ESTABLISHED 1
#define BG_TCP_LISTEN 10

typedef struct {
	bg_netaddr local;
	int local_port;
	int state;              /* BG_TCP_ESTABLISHED, BG_TCP_LISTEN */
	unsigned long inode;
} bg_tcp_entry;

typedef int (*bg_tcp_fn)(const bg_tcp_entry *e, void *data);

/* Calls fn for every IPv4 and IPv6 TCP socket whose state is in `states`
 * (a mask of 1 << state). 0 when done; 1 when sock_diag cannot be used here
 * (read /proc/net/tcp instead); fn's negative return stops the walk and is
 * returned. */
int bg_sockdiag_each(unsigned states, bg_tcp_fn fn, void *data);

/* A unix socket, as sock_diag sees it. A server's accepted connections
 * carry its listening socket's file (vfs_ino), whatever path a client
 * connected through (a symlink): that is how the connections to one socket
 * file are counted. */
typedef struct {
	int state;              /* BG_TCP_ESTABLISHED, BG_TCP_LISTEN (the kernel's names for unix too) */
	unsigned long inode;    /* the socket's own inode (socket:[N] in /proc/PID/fd) */
	unsigned long vfs_ino;  /* the inode of the socket file it is bound to; 0 if none */
} bg_unix_entry;

typedef int (*bg_unix_fn)(const bg_unix_entry *e, void *data);

/* Calls fn for every unix socket whose state is in `states`; as
 * bg_sockdiag_each (1 when sock_diag cannot be used). */
int bg_sockdiag_unix_each(unsigned states, bg_unix_fn fn, void *data);

#endif
