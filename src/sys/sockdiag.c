#include "sys/sockdiag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int send_request(int fd, int family, unsigned states)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.req.sdiag_family = (unsigned char) family;
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = states;
	return sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *) &kernel, sizeof(kernel)) < 0 ? -1 : 0;
}

static void to_entry(const struct inet_diag_msg *m, bg_tcp_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->local.v6 = m->idiag_family == AF_INET6;
	memcpy(e->local.bytes, m->id.idiag_src, e->local.v6 ? 16 : 4);
	e->local_port = ntohs(m->id.idiag_sport);
	e->state = m->idiag_state;
	e->inode = m->idiag_inode;
}

/* Reads a sock_diag dump's answers until NLMSG_DONE, each message handed to
 * `msg` (a negative return stops the dump with it); 1 when the kernel refuses
 * the dump. One loop for the TCP and the unix dumps. */
typedef int (*dump_msg_fn)(const struct nlmsghdr *h, void *ctx);

static int read_dump(int fd, dump_msg_fn msg, void *ctx)
{
	long buf[8192 / sizeof(long)];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return 1;
		}
		for (h = (struct nlmsghdr *) buf; NLMSG_OK(h, (size_t) n); h = NLMSG_NEXT(h, n)) {
			int rc;

			if (h->nlmsg_type == NLMSG_DONE) {
				return 0;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				return 1;
			}
			if ((rc = msg(h, ctx)) < 0) {
				return rc;
			}
		}
	}
}

typedef struct {
	bg_tcp_fn fn;
	void *data;
} tcp_dump;

static int tcp_msg(const struct nlmsghdr *h, void *ctx)
{
	const tcp_dump *d = ctx;
	bg_tcp_entry e;

	to_entry(NLMSG_DATA(h), &e);
	return d->fn(&e, d->data);
}

int bg_sockdiag_each(unsigned states, bg_tcp_fn fn, void *data)
{
	static const int families[] = { AF_INET, AF_INET6 };
	tcp_dump d = { fn, data };
	size_t i;
	int rc = 0;

	for (i = 0; i < 2 && rc == 0; i++) {
		int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

		if (fd < 0) {
			return 1;
		}
		rc = send_request(fd, families[i], states) < 0 ? 1 : read_dump(fd, tcp_msg, &d);
		close(fd);
		if (rc == 1 && families[i] == AF_INET6) {
			rc = 0;  /* a kernel without IPv6 has no such sockets */
		}
	}
	return rc;
}

/* --- unix sockets ------------------------------------------------------------ */

static int send_unix_request(int fd, unsigned states)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.req.sdiag_family = AF_UNIX;
	msg.req.udiag_states = states;
	msg.req.udiag_show = UDIAG_SHOW_VFS;
	return sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *) &kernel, sizeof(kernel)) < 0 ? -1 : 0;
}

static void to_unix_entry(const struct nlmsghdr *h, bg_unix_entry *e)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	const struct rtattr *a = (const struct rtattr *) (m + 1);
	int left = (int) h->nlmsg_len - (int) NLMSG_LENGTH(sizeof(*m));

	memset(e, 0, sizeof(*e));
	e->state = m->udiag_state;
	e->inode = m->udiag_ino;
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		if (a->rta_type == UNIX_DIAG_VFS && RTA_PAYLOAD(a) >= sizeof(struct unix_diag_vfs)) {
			const struct unix_diag_vfs *v = RTA_DATA(a);

			e->vfs_ino = v->udiag_vfs_ino;
		}
	}
}

typedef struct {
	bg_unix_fn fn;
	void *data;
} unix_dump;

static int unix_msg(const struct nlmsghdr *h, void *ctx)
{
	const unix_dump *d = ctx;
	bg_unix_entry e;

	to_unix_entry(h, &e);
	return d->fn(&e, d->data);
}

int bg_sockdiag_unix_each(unsigned states, bg_unix_fn fn, void *data)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	unix_dump d = { fn, data };
	int rc;

	if (fd < 0) {
		return 1;
	}
	rc = send_unix_request(fd, states) < 0 ? 1 : read_dump(fd, unix_msg, &d);
	close(fd);
	return rc;
}
