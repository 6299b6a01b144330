#include "sys/probe.h"
#include "base/log.h"
#include "base/netaddr.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void set_error(bg_probe_result *res, const char *what, int e)
{
	snprintf(res->error, sizeof(res->error), "%s%s%s", what, e ? ": " : "", e ? strerror(e) : "");
}

/* Waits for `events` on fd until the deadline; 1 when ready, 0 on timeout. */
static int wait_fd(int fd, short events, double deadline)
{
	for (;;) {
		struct pollfd p = { fd, events, 0 };
		double left = deadline - bg_now_ms();
		int r;

		if (left <= 0) {
			return 0;
		}
		r = poll(&p, 1, (int) (left + 0.999));
		if (r > 0) {
			return 1;
		}
		if (r == 0 || errno != EINTR) {
			return 0;
		}
	}
}

/* A socket connected to sa, or -1 with res->error set. */
static int connect_addr(const struct sockaddr *sa, socklen_t len, double deadline, bg_probe_result *res)
{
	int fd, e = 0;
	socklen_t elen = sizeof(e);

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		set_error(res, "socket", errno);
		return -1;
	}
	if (connect(fd, sa, len) == 0) {
		return fd;
	}
	/* A unix socket whose backlog is full says EAGAIN: not up yet. */
	if (errno != EINPROGRESS) {
		set_error(res, "connect", errno);
		close(fd);
		return -1;
	}
	if (!wait_fd(fd, POLLOUT, deadline)) {
		set_error(res, "connect timed out", 0);
		close(fd);
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0 || e != 0) {
		set_error(res, "connect", e ? e : errno);
		close(fd);
		return -1;
	}
	return fd;
}

static int connect_to(const bg_netaddr *addr, int port, double deadline, bg_probe_result *res)
{
	struct sockaddr_storage sa;
	socklen_t len;

	bg_netaddr_sockaddr(addr, port, &sa, &len);
	return connect_addr((struct sockaddr *) &sa, len, deadline, res);
}

static int connect_unix(const char *path, double deadline, bg_probe_result *res)
{
	struct sockaddr_un sa;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		set_error(res, "socket path too long", 0);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path));
	return connect_addr((struct sockaddr *) &sa, sizeof(sa), deadline, res);
}

int bg_probe_tcp(const bg_netaddr *addr, int port, double timeout_ms, bg_probe_result *res)
{
	int fd;

	res->status = 0;
	res->error[0] = '\0';
	if ((fd = connect_to(addr, port, bg_now_ms() + timeout_ms, res)) < 0) {
		return 0;
	}
	close(fd);
	return 1;
}

static int send_request(int fd, const char *host, int port, const char *path, double deadline, bg_probe_result *res)
{
	char req[1024];
	int v6 = strchr(host, ':') != NULL;
	char port_part[16] = "";
	int len;

	if (port > 0) {
		snprintf(port_part, sizeof(port_part), ":%d", port);
	}
	len = snprintf(req, sizeof(req),
		"GET %s HTTP/1.1\r\nHost: %s%s%s%s\r\nUser-Agent: bluegreen\r\nAccept: */*\r\nConnection: close\r\n\r\n",
		path, v6 ? "[" : "", host, v6 ? "]" : "", port_part);
	int sent = 0;

	if (len < 0 || len >= (int) sizeof(req)) {
		set_error(res, "health path too long", 0);
		return -1;
	}
	while (sent < len) {
		/* MSG_NOSIGNAL: a service that closes early must not SIGPIPE us. */
		ssize_t n = send(fd, req + sent, (size_t) (len - sent), MSG_NOSIGNAL);

		if (n > 0) {
			sent += (int) n;
		} else if (n < 0 && errno == EAGAIN && wait_fd(fd, POLLOUT, deadline)) {
			continue;
		} else {
			set_error(res, n < 0 ? "sending the request" : "sending the request timed out", n < 0 ? errno : 0);
			return -1;
		}
	}
	return 0;
}

/* Reads until the status line is complete; fills res->status. */
static int read_status(int fd, double deadline, bg_probe_result *res)
{
	char buf[256];
	size_t got = 0;

	while (got < sizeof(buf) - 1 && !memchr(buf, '\n', got)) {
		ssize_t n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);

		if (n > 0) {
			got += (size_t) n;
		} else if (n == 0) {
			break;
		} else if ((errno == EAGAIN || errno == EINTR) && wait_fd(fd, POLLIN, deadline)) {
			continue;
		} else {
			set_error(res, errno == EAGAIN ? "no response before the timeout" : "reading the response",
				errno == EAGAIN ? 0 : errno);
			return -1;
		}
	}
	buf[got] = '\0';
	if (sscanf(buf, "HTTP/%*d.%*d %d", &res->status) != 1) {
		set_error(res, got ? "the response is not HTTP" : "the connection closed without a response", 0);
		res->status = 0;
		return -1;
	}
	return 0;
}

int bg_probe_http(const bg_netaddr *addr, const char *host, int port, const char *path, double timeout_ms,
	bg_probe_result *res)
{
	double deadline = bg_now_ms() + timeout_ms;
	int fd, rc;

	res->status = 0;
	res->error[0] = '\0';
	if ((fd = connect_to(addr, port, deadline, res)) < 0) {
		return 0;
	}
	rc = send_request(fd, host, port, path, deadline, res) == 0 && read_status(fd, deadline, res) == 0;
	close(fd);
	return rc && res->status >= 200 && res->status < 400;
}

int bg_probe_unix(const char *path, double timeout_ms, bg_probe_result *res)
{
	int fd;

	res->status = 0;
	res->error[0] = '\0';
	if ((fd = connect_unix(path, bg_now_ms() + timeout_ms, res)) < 0) {
		return 0;
	}
	close(fd);
	return 1;
}

int bg_probe_http_unix(const char *path, const char *http_path, double timeout_ms, bg_probe_result *res)
{
	double deadline = bg_now_ms() + timeout_ms;
	int fd, rc;

	res->status = 0;
	res->error[0] = '\0';
	if ((fd = connect_unix(path, deadline, res)) < 0) {
		return 0;
	}
	rc = send_request(fd, "localhost", 0, http_path, deadline, res) == 0 && read_status(fd, deadline, res) == 0;
	close(fd);
	return rc && res->status >= 200 && res->status < 400;
}

int bg_probe_unix_peer(const char *path, char *peer, size_t size, double timeout_ms, bg_probe_result *res)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof(sa);
	int fd, ok;

	res->status = 0;
	res->error[0] = '\0';
	if ((fd = connect_unix(path, bg_now_ms() + timeout_ms, res)) < 0) {
		return 0;
	}
	memset(&sa, 0, sizeof(sa));
	ok = getpeername(fd, (struct sockaddr *) &sa, &len) == 0;
	if (!ok) {
		set_error(res, "getpeername", errno);
	} else {
		size_t n = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;

		n = strnlen(sa.sun_path, n < sizeof(sa.sun_path) ? n : sizeof(sa.sun_path));
		snprintf(peer, size, "%.*s", (int) n, sa.sun_path);
	}
	close(fd);
	return ok;
}
