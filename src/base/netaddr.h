/* bluegreen core: the `host` option as addresses, parsed once when the
 * options are read (bg_options_set_host). Services listen on a loopback or
 * one local address; "localhost", 127.0.0.1 and ::1 are the same host for
 * matching sockets, as they are for nginx's upstream. */
#ifndef BG_NETADDR_H
#define BG_NETADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

typedef struct {
	int v6;
	unsigned char bytes[16];  /* 4 used for IPv4 */
} bg_netaddr;

typedef struct {
	bg_netaddr addrs[4];
	size_t n;
} bg_netaddr_set;

/* Every address that means `host`; -1 when host is not an IP literal or
 * "localhost". A loopback host gives 127.0.0.1, ::1 and ::ffff:127.0.0.1; an
 * IPv4 host also its IPv4-mapped IPv6 form. */
int bg_netaddr_set_of(const char *host, bg_netaddr_set *set);
int bg_netaddr_set_has(const bg_netaddr_set *set, const bg_netaddr *a);

/* 0.0.0.0 or :: (a socket listening on every address). */
int bg_netaddr_is_any(const bg_netaddr *a);

/* The address to connect to for host ("localhost" is 127.0.0.1); -1 when
 * host is not an IP literal or "localhost". */
int bg_netaddr_parse(const char *host, bg_netaddr *a);

/* a:port as a socket address. */
void bg_netaddr_sockaddr(const bg_netaddr *a, int port, struct sockaddr_storage *sa, socklen_t *len);

#endif
