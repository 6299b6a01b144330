#include "base/netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static void add_v4(bg_netaddr_set *set, const struct in_addr *in)
{
	bg_netaddr *a = &set->addrs[set->n++];

	memset(a, 0, sizeof(*a));
	memcpy(a->bytes, in, 4);
}

static void add_v6(bg_netaddr_set *set, const struct in6_addr *in6)
{
	bg_netaddr *a = &set->addrs[set->n++];

	a->v6 = 1;
	memcpy(a->bytes, in6, 16);
}

/* ::ffff:a.b.c.d, how a dual-stack socket shows an IPv4 peer. */
static void add_v4_mapped(bg_netaddr_set *set, const struct in_addr *in)
{
	struct in6_addr m;

	memset(&m, 0, sizeof(m));
	m.s6_addr[10] = 0xff;
	m.s6_addr[11] = 0xff;
	memcpy(&m.s6_addr[12], in, 4);
	add_v6(set, &m);
}

static void add_loopback(bg_netaddr_set *set)
{
	struct in_addr lo4 = { htonl(INADDR_LOOPBACK) };

	add_v4(set, &lo4);
	add_v4_mapped(set, &lo4);
	add_v6(set, &in6addr_loopback);
}

int bg_netaddr_set_of(const char *host, bg_netaddr_set *set)
{
	struct in_addr in;
	struct in6_addr in6;

	set->n = 0;
	if (strcmp(host, "localhost") == 0) {
		add_loopback(set);
	} else if (inet_pton(AF_INET, host, &in) == 1) {
		if (in.s_addr == htonl(INADDR_LOOPBACK)) {
			add_loopback(set);
		} else {
			add_v4(set, &in);
			add_v4_mapped(set, &in);
		}
	} else if (inet_pton(AF_INET6, host, &in6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&in6)) {
			add_loopback(set);
		} else {
			add_v6(set, &in6);
		}
	} else {
		return -1;
	}
	return 0;
}

int bg_netaddr_set_has(const bg_netaddr_set *set, const bg_netaddr *a)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		const bg_netaddr *b = &set->addrs[i];

		if (a->v6 == b->v6 && memcmp(a->bytes, b->bytes, a->v6 ? 16 : 4) == 0) {
			return 1;
		}
	}
	return 0;
}

int bg_netaddr_is_any(const bg_netaddr *a)
{
	static const unsigned char zero[16];

	return memcmp(a->bytes, zero, a->v6 ? 16 : 4) == 0;
}

int bg_netaddr_parse(const char *host, bg_netaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (strcmp(host, "localhost") == 0) {
		host = "127.0.0.1";
	}
	if (inet_pton(AF_INET, host, a->bytes) == 1) {
		return 0;
	}
	a->v6 = 1;
	return inet_pton(AF_INET6, host, a->bytes) == 1 ? 0 : -1;
}

void bg_netaddr_sockaddr(const bg_netaddr *a, int port, struct sockaddr_storage *sa, socklen_t *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *) sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) sa;

	memset(sa, 0, sizeof(*sa));
	if (a->v6) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t) port);
		memcpy(&in6->sin6_addr, a->bytes, 16);
		*len = sizeof(*in6);
	} else {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t) port);
		memcpy(&in->sin_addr, a->bytes, 4);
		*len = sizeof(*in);
	}
}
