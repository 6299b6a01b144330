/* Exact-behaviour checks of the `host` option as addresses (src/base/netaddr.c)
 * and of the /proc/net/tcp and tcp6 lines the socket scan falls back to where
 * sock_diag is not available (src/sys/proc.c, whose line reader is static:
 * the file is included here). Run by tests/run.sh and tests/fuzz.sh
 * (tests/fuzz/targets.sh). Ends with "netaddr: N passed, N failed". */
#include "../../src/sys/proc.c"

#include "check.h"

#include <arpa/inet.h>

/* The address text gives, as bg_netaddr (IPv4 or IPv6 by its form). */
static bg_netaddr addr(const char *text)
{
	bg_netaddr a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, text, a.bytes) != 1) {
		a.v6 = 1;
		if (inet_pton(AF_INET6, text, a.bytes) != 1) {
			fprintf(stderr, "    not an address: %s\n", text);
			case_failed = 1;
		}
	}
	return a;
}

static int has(const char *host, const char *text)
{
	bg_netaddr_set set;
	bg_netaddr a = addr(text);

	return bg_netaddr_set_of(host, &set) == 0 && bg_netaddr_set_has(&set, &a);
}

static void host_sets(void)
{
	bg_netaddr_set set;

	/* loopback, however it is written: the three forms a socket shows */
	EXPECT(bg_netaddr_set_of("localhost", &set) == 0 && set.n == 3);
	EXPECT(has("localhost", "127.0.0.1") && has("localhost", "::1") && has("localhost", "::ffff:127.0.0.1"));
	EXPECT(has("127.0.0.1", "::1") && has("::1", "127.0.0.1") && has("::1", "::ffff:127.0.0.1"));
	EXPECT(!has("localhost", "127.0.0.2") && !has("localhost", "0.0.0.0"));
	/* another IPv4 address: itself and its mapped form */
	EXPECT(bg_netaddr_set_of("10.1.2.3", &set) == 0 && set.n == 2);
	EXPECT(has("10.1.2.3", "10.1.2.3") && has("10.1.2.3", "::ffff:10.1.2.3"));
	EXPECT(!has("10.1.2.3", "127.0.0.1") && !has("10.1.2.3", "10.1.2.4"));
	/* an IPv6 address: itself only */
	EXPECT(bg_netaddr_set_of("fd00::7", &set) == 0 && set.n == 1);
	EXPECT(has("fd00::7", "fd00::7") && !has("fd00::7", "::1"));
	/* what is not an IP literal */
	EXPECT(bg_netaddr_set_of("example.com", &set) < 0);
	EXPECT(bg_netaddr_set_of("", &set) < 0);
	EXPECT(bg_netaddr_set_of("127.0.0.1:9501", &set) < 0);
	EXPECT(bg_netaddr_set_of("[::1]", &set) < 0);
	EXPECT(bg_netaddr_set_of("LOCALHOST", &set) < 0);
	EXPECT(bg_netaddr_set_of("127.1", &set) < 0);   /* inet_pton: four parts */
	EXPECT(bg_netaddr_set_of(" 127.0.0.1", &set) < 0);
}

static void any_address(void)
{
	bg_netaddr a = addr("0.0.0.0"), b = addr("::"), c = addr("127.0.0.1"), d = addr("::1");

	EXPECT(bg_netaddr_is_any(&a) && bg_netaddr_is_any(&b));
	EXPECT(!bg_netaddr_is_any(&c) && !bg_netaddr_is_any(&d));
}

static void sockaddrs(void)
{
	struct sockaddr_storage sa;
	socklen_t len = 0;
	struct sockaddr_in *in = (struct sockaddr_in *) &sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &sa;

	bg_netaddr a;

	EXPECT(bg_netaddr_parse("localhost", &a) == 0);
	bg_netaddr_sockaddr(&a, 9501, &sa, &len);
	EXPECT(in->sin_family == AF_INET && ntohs(in->sin_port) == 9501 && len == sizeof(*in)
		&& in->sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	EXPECT(bg_netaddr_parse("::1", &a) == 0);
	bg_netaddr_sockaddr(&a, 65535, &sa, &len);
	EXPECT(in6->sin6_family == AF_INET6 && ntohs(in6->sin6_port) == 65535 && len == sizeof(*in6)
		&& IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr));
	EXPECT(bg_netaddr_parse("example.com", &a) < 0);
}

/* A /proc/net/tcp{,6} line read as the scan reads it. */
static int line(const char *text, int v6, bg_tcp_entry *e)
{
	memset(e, 0xa5, sizeof(*e));
	return parse_tcp_line(text, v6, e);
}

static void tcp_lines(void)
{
	bg_tcp_entry e;
	bg_netaddr lo4 = addr("127.0.0.1"), any4 = addr("0.0.0.0"), lo6 = addr("::1"), mapped = addr("::ffff:127.0.0.1");

	/* a listening socket on 127.0.0.1:9501, as the kernel prints it (words in host order) */
	EXPECT(line("   0: 0100007F:251D 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 "
		"4242 1 0000000000000000 100 0 0 10 0\n", 0, &e) == 0);
	EXPECT(e.local.v6 == 0 && memcmp(e.local.bytes, lo4.bytes, 4) == 0 && e.local_port == 9501);
	EXPECT(e.state == BG_TCP_LISTEN && e.inode == 4242);
	/* established, on every address, a large inode and slot number */
	EXPECT(line("12345: 00000000:251E 0100007F:D431 01 00000000:00000000 02:000A7F6E 00000000     0        0 "
		"4294967295 2 0000000000000000 20 4 30 10 -1\n", 0, &e) == 0);
	EXPECT(bg_netaddr_is_any(&e.local) && memcmp(e.local.bytes, any4.bytes, 4) == 0);
	EXPECT(e.local_port == 9502 && e.state == BG_TCP_ESTABLISHED && e.inode == 4294967295UL);
	/* lower-case hex, as some kernels print */
	EXPECT(line("0: 0100007f:251d 00000000:0000 0a 00000000:00000000 00:00000000 00000000 0 0 7", 0, &e) == 0);
	EXPECT(e.local_port == 9501 && e.state == BG_TCP_LISTEN && e.inode == 7);
	/* tcp6: ::1 and ::ffff:127.0.0.1, which a loopback host matches */
	EXPECT(line("   0: 00000000000000000000000001000000:251D 00000000000000000000000000000000:0000 0A "
		"00000000:00000000 00:00000000 00000000  1000        0 99 1 0000000000000000 100 0 0 10 0\n", 1, &e) == 0);
	EXPECT(e.local.v6 == 1 && memcmp(e.local.bytes, lo6.bytes, 16) == 0 && e.local_port == 9501 && e.inode == 99);
	EXPECT(has("localhost", "::1"));
	EXPECT(line("   1: 0000000000000000FFFF00000100007F:251D 00000000000000000000000000000000:0000 0A "
		"00000000:00000000 00:00000000 00000000     0        0 100 1 0000000000000000 100 0 0 10 0\n", 1, &e) == 0);
	EXPECT(memcmp(e.local.bytes, mapped.bytes, 16) == 0);
	{
		bg_netaddr_set set;

		EXPECT(bg_netaddr_set_of("127.0.0.1", &set) == 0 && bg_netaddr_set_has(&set, &e.local));
	}
}

static void tcp_lines_refused(void)
{
	bg_tcp_entry e;

	/* the header */
	EXPECT(line("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
		"inode\n", 0, &e) < 0);
	EXPECT(line("", 0, &e) < 0);
	EXPECT(line("\n", 1, &e) < 0);
	/* an IPv6 address in the IPv4 file, and the other way round */
	EXPECT(line("   0: 00000000000000000000000001000000:251D 00000000000000000000000000000000:0000 0A "
		"00000000:00000000 00:00000000 00000000 0 0 99\n", 0, &e) < 0);
	EXPECT(line("   0: 0100007F:251D 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 7\n", 1, &e) < 0);
	/* an address one digit short or long */
	EXPECT(line("   0: 100007F:251D 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 7\n", 0, &e) < 0);
	EXPECT(line("   0: 0100007F0:251D 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 7\n", 0, &e) < 0);
	/* a line cut before the inode (a read cut short) */
	EXPECT(line("   0: 0100007F:251D 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0", 0, &e) < 0);
	EXPECT(line("   0: 0100007F:251D 00000000:0000 0A", 0, &e) < 0);
	/* not hex */
	EXPECT(line("   0: 0100007G:251D 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 7\n", 0, &e) < 0);
	EXPECT(line("   0: 0100007F:ZZZZ 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 7\n", 0, &e) < 0);
}

static void this_machine(void)
{
	/* every line of this machine's /proc/net/tcp but the header reads */
	FILE *f = fopen("/proc/net/tcp", "re");
	char text[512];
	int n = 0, bad = 0;
	bg_tcp_entry e;

	if (!f) {
		return;   /* no /proc here: nothing to compare */
	}
	while (fgets(text, sizeof(text), f) && n < 2000) {
		if (n++ > 0 && line(text, 0, &e) < 0) {
			fprintf(stderr, "    unread: %s", text);
			bad++;
		}
	}
	fclose(f);
	EXPECT(bad == 0);
}

int main(void)
{
	static const check_case cases[] = {
		{ "host: loopback, IPv4, IPv6, and what is not an address", host_sets },
		{ "any: 0.0.0.0 and ::", any_address },
		{ "sockaddr: localhost, ::1, a name refused", sockaddrs },
		{ "tcp lines: listening, established, tcp6, mapped", tcp_lines },
		{ "tcp lines: header, wrong family, short, not hex", tcp_lines_refused },
		{ "tcp lines: this machine's /proc/net/tcp", this_machine },
	};

	return run_cases("netaddr", cases, sizeof(cases) / sizeof(cases[0]));
}
