#include "sys/proc.h"
#include "base/netaddr.h"
#include "sys/sockdiag.h"

#include "base/clock.h"
#include "base/strv.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* /proc/PID/stat, fields after "(comm)": the state is field 3, ppid 4,
 * starttime 22. comm may hold spaces and parentheses, hence strrchr. */
typedef struct {
	char state;
	pid_t ppid;
	pid_t pgrp;
	unsigned long long starttime;
} bg_stat;

static int read_stat(pid_t pid, bg_stat *st)
{
	char path[64], buf[1024];
	char *p;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		return -1;
	}
	buf[n] = '\0';
	if (!(p = strrchr(buf, ')')) || sscanf(p + 2, "%c %d %d", &st->state, &st->ppid, &st->pgrp) != 3) {
		return -1;
	}
	st->starttime = 0;
	for (field = 2, p++; *p && field < 22; p++) {
		if (*p == ' ') {
			field++;
		}
	}
	if (field == 22) {
		st->starttime = strtoull(p, NULL, 10);
	}
	return 0;
}

bg_proc_state bg_proc_state_of(pid_t pid)
{
	bg_stat st;

	if (pid <= 0 || read_stat(pid, &st) < 0) {
		return BG_PROC_GONE;
	}
	return (st.state == 'Z' || st.state == 'X') ? BG_PROC_ZOMBIE : BG_PROC_ALIVE;
}

pid_t bg_proc_ppid(pid_t pid)
{
	bg_stat st;

	return read_stat(pid, &st) < 0 ? -1 : st.ppid;
}

unsigned long long bg_proc_starttime(pid_t pid)
{
	bg_stat st;

	return read_stat(pid, &st) < 0 ? 0 : st.starttime;
}

void bg_pid_list_free(bg_pid_list *l)
{
	free(l->pids);
	l->pids = NULL;
	l->n = 0;
}

int bg_pid_list_has(const bg_pid_list *l, pid_t pid)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (l->pids[i] == pid) {
			return 1;
		}
	}
	return 0;
}

int bg_pid_list_add(bg_pid_list *l, pid_t pid)
{
	pid_t *grown;

	if (bg_pid_list_has(l, pid)) {
		return 0;
	}
	if (!(grown = realloc(l->pids, (l->n + 1) * sizeof(pid_t)))) {
		return -1;
	}
	l->pids = grown;
	l->pids[l->n++] = pid;
	return 0;
}

/* Calls fn for every process in /proc; stops early when fn returns < 0. */
static int each_pid(int (*fn)(pid_t pid, void *data), void *data, bg_error *err)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int rc = 0;

	if (!d) {
		return bg_error_sys(err, BG_ERR_SYSTEM, "cannot read /proc");
	}
	while (rc == 0 && (e = readdir(d))) {
		if (isdigit((unsigned char) e->d_name[0])) {
			rc = fn((pid_t) atoi(e->d_name), data);
		}
	}
	closedir(d);
	if (rc < 0) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory while reading /proc");
	}
	return 0;
}

static int add_any(pid_t pid, void *data)
{
	return bg_pid_list_add(data, pid);
}

int bg_proc_all(bg_pid_list *out, bg_error *err)
{
	return each_pid(add_any, out, err);
}

int bg_proc_comm(pid_t pid, char *buf, size_t size)
{
	char path[64], comm[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int) pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		return -1;
	}
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0) {
		return -1;
	}
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
	snprintf(buf, size, "%s", comm);
	return 0;
}

static int starts(const char *line, const char *prefix)
{
	return strncmp(line, prefix, strlen(prefix)) == 0;
}

pid_t bg_proc_a_child(pid_t pid)
{
	char path[80], buf[64];
	bg_pid_list all = { NULL, 0 };
	bg_error ignored;
	pid_t child = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int) pid, (int) pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			child = (pid_t) strtol(buf, NULL, 10);
		}
		if (child > 0 && bg_proc_state_of(child) == BG_PROC_ALIVE) {
			return child;
		}
	}
	if (bg_proc_children(pid, &all, &ignored) == 0 && all.n > 0) {
		child = all.pids[0];
	}
	bg_pid_list_free(&all);
	return child > 0 ? child : 0;
}

/* The second number of a "Uid:" or "Gid:" line: the effective id. */
static int effective_id(const char *line, unsigned long *id)
{
	return sscanf(line, "%*s %*u %lu", id) == 1 ? 0 : -1;
}

static void read_groups(const char *line, bg_proc_ids *out)
{
	const char *p = line + strlen("Groups:");
	char *end;

	while (out->n_groups < BG_PROC_MAX_GROUPS) {
		unsigned long g = strtoul(p, &end, 10);

		if (end == p) {
			break;
		}
		out->groups[out->n_groups++] = (gid_t) g;
		p = end;
	}
}

int bg_proc_ids_of(pid_t pid, bg_proc_ids *out)
{
	char path[64], line[1024];
	unsigned long id;
	int have = 0;
	FILE *f;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "/proc/%d/status", (int) pid);
	if (!(f = fopen(path, "re"))) {
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (starts(line, "Uid:") && effective_id(line, &id) == 0) {
			out->uid = (uid_t) id;
			have |= 1;
		} else if (starts(line, "Gid:") && effective_id(line, &id) == 0) {
			out->gid = (gid_t) id;
			have |= 2;
		} else if (starts(line, "Groups:")) {
			read_groups(line, out);
		}
	}
	fclose(f);
	return have == 3 ? 0 : -1;
}

struct children_scan {
	pid_t parent;
	bg_pid_list *out;
};

static int add_if_child(pid_t pid, void *data)
{
	struct children_scan *s = data;
	bg_stat st;

	if (read_stat(pid, &st) == 0 && st.ppid == s->parent && st.state != 'Z' && st.state != 'X') {
		return bg_pid_list_add(s->out, pid);
	}
	return 0;
}

int bg_proc_children(pid_t parent, bg_pid_list *out, bg_error *err)
{
	struct children_scan s = { parent, out };

	return each_pid(add_if_child, &s, err);
}

void bg_inode_list_free(bg_inode_list *l)
{
	free(l->inodes);
	l->inodes = NULL;
	l->n = 0;
}

static int inode_list_has(const bg_inode_list *l, unsigned long inode)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (l->inodes[i] == inode) {
			return 1;
		}
	}
	return 0;
}

static int inode_list_add(bg_inode_list *l, unsigned long inode)
{
	unsigned long *grown;

	if (!(grown = realloc(l->inodes, (l->n + 1) * sizeof(unsigned long)))) {
		return -1;
	}
	l->inodes = grown;
	l->inodes[l->n++] = inode;
	return 0;
}

typedef bg_tcp_entry tcp_entry;

#define TCP_ESTABLISHED BG_TCP_ESTABLISHED
#define TCP_LISTEN BG_TCP_LISTEN

/* The kernel prints addresses as the 32-bit words of the address in host
 * byte order, each as %08X: reading them back as words gives the bytes. */
static int parse_tcp_line(const char *line, int v6, tcp_entry *e)
{
	char addr[33];
	unsigned int port, state;
	size_t words = v6 ? 4 : 1, i;

	if (sscanf(line, " %*u: %32[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x %*x:%*x %*x:%*x %*x %*u %*u %lu",
			addr, &port, &state, &e->inode) != 4 || strlen(addr) != words * 8) {
		return -1;
	}
	memset(&e->local, 0, sizeof(e->local));
	e->local.v6 = v6;
	for (i = 0; i < words; i++) {
		char word[9];
		uint32_t w;

		memcpy(word, addr + 8 * i, 8);
		word[8] = '\0';
		w = (uint32_t) strtoul(word, NULL, 16);
		memcpy(e->local.bytes + 4 * i, &w, 4);
	}
	e->local_port = (int) port;
	e->state = (int) state;
	return 0;
}

/* The fallback where sock_diag is not available: /proc/net/tcp and tcp6,
 * whose reading takes long when many sockets are in TIME_WAIT. */
static int each_proc_tcp_entry(int port, int (*fn)(const tcp_entry *e, void *data), void *data, bg_error *err)
{
	static const char *const files[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	char line[512];
	size_t f;

	for (f = 0; f < 2; f++) {
		FILE *fp = fopen(files[f], "re");

		if (!fp) {
			if (errno == ENOENT) {
				continue; /* no IPv6 in this kernel */
			}
			return bg_error_sys(err, BG_ERR_SYSTEM, "cannot read %s", files[f]);
		}
		while (fgets(line, sizeof(line), fp)) {
			tcp_entry e;

			if (parse_tcp_line(line, (int) f, &e) == 0 && (port == 0 || e.local_port == port) && fn(&e, data) < 0) {
				fclose(fp);
				return bg_error_set(err, BG_ERR_SYSTEM, "out of memory while reading %s", files[f]);
			}
		}
		fclose(fp);
	}
	return 0;
}

/* Only the entries on one port (any port for 0). */
struct port_filter {
	int port;
	int (*fn)(const tcp_entry *e, void *data);
	void *data;
};

static int on_port(const tcp_entry *e, void *data)
{
	struct port_filter *f = data;

	return f->port == 0 || e->local_port == f->port ? f->fn(e, f->data) : 0;
}

/* Calls fn for each TCP socket on port (any port for 0) whose state is in
 * the mask `states`: from sock_diag, else from /proc/net/tcp{,6}. */
static int each_tcp_entry(int port, unsigned states, int (*fn)(const tcp_entry *e, void *data), void *data,
	bg_error *err)
{
	struct port_filter f = { port, fn, data };
	int rc = bg_sockdiag_each(states, on_port, &f);

	if (rc == 1) {
		return each_proc_tcp_entry(port, fn, data, err);
	}
	return rc < 0 ? bg_error_set(err, BG_ERR_SYSTEM, "out of memory while listing sockets") : 0;
}

struct listen_scan {
	const bg_netaddr_set *host;
	bg_inode_list *out;
};

static int add_if_listening(const tcp_entry *e, void *data)
{
	struct listen_scan *s = data;

	if (e->state != TCP_LISTEN || inode_list_has(s->out, e->inode)) {
		return 0;
	}
	if (!bg_netaddr_is_any(&e->local) && !bg_netaddr_set_has(s->host, &e->local)) {
		return 0;
	}
	return inode_list_add(s->out, e->inode);
}

int bg_proc_listen_inodes(const bg_netaddr_set *host, int port, bg_inode_list *out, bg_error *err)
{
	struct listen_scan s = { host, out };

	return each_tcp_entry(port, 1u << TCP_LISTEN, add_if_listening, &s, err);
}

static int add_any_listening(const tcp_entry *e, void *data)
{
	bg_inode_list *out = data;

	return e->state == TCP_LISTEN && !inode_list_has(out, e->inode) ? inode_list_add(out, e->inode) : 0;
}

int bg_proc_all_listen_inodes(bg_inode_list *out, bg_error *err)
{
	return each_tcp_entry(0, 1u << TCP_LISTEN, add_any_listening, out, err);
}

struct established_scan {
	const bg_netaddr_set *host;
	int count;
};

static int count_if_established(const tcp_entry *e, void *data)
{
	struct established_scan *s = data;

	if (e->state == TCP_ESTABLISHED && bg_netaddr_set_has(s->host, &e->local)) {
		s->count++;
	}
	return 0;
}

int bg_proc_established(const bg_netaddr_set *host, int port, int *count, bg_error *err)
{
	struct established_scan s = { host, 0 };

	if (each_tcp_entry(port, 1u << TCP_ESTABLISHED, count_if_established, &s, err) < 0) {
		return -1;
	}
	*count = s.count;
	return 0;
}

/* --- unix sockets (socket switch) ---------------------------------------- */

struct unix_scan {
	unsigned long vfs_ino;   /* the socket file's inode */
	bg_inode_list *out;      /* listening sockets, or NULL */
	int count;               /* connections */
};

static int on_unix_entry(const bg_unix_entry *e, void *data)
{
	struct unix_scan *s = data;

	if (e->vfs_ino != s->vfs_ino) {
		return 0;
	}
	if (s->out) {
		return e->state == TCP_LISTEN && !inode_list_has(s->out, e->inode) ? inode_list_add(s->out, e->inode) : 0;
	}
	s->count += e->state == TCP_ESTABLISHED;
	return 0;
}

/* Walks the unix sockets bound to the file at path; *exists 0 when there is
 * no such socket file (nothing to walk). */
static int each_unix_on(const char *path, unsigned states, struct unix_scan *s, bg_error *err)
{
	struct stat st;
	int rc;

	if (lstat(path, &st) != 0 || !S_ISSOCK(st.st_mode)) {
		return 0;
	}
	s->vfs_ino = (unsigned long) st.st_ino;
	rc = bg_sockdiag_unix_each(states, on_unix_entry, s);
	if (rc == 1) {
		return bg_error_set(err, BG_ERR_SYSTEM, "cannot list the unix sockets on %s: sock_diag is not available",
			path);
	}
	return rc < 0 ? bg_error_set(err, BG_ERR_SYSTEM, "out of memory while listing sockets") : 0;
}

int bg_proc_unix_listen_inodes(const char *path, bg_inode_list *out, bg_error *err)
{
	struct unix_scan s = { 0, out, 0 };

	return each_unix_on(path, 1u << TCP_LISTEN, &s, err);
}

int bg_proc_unix_established(const char *path, int *count, bg_error *err)
{
	struct unix_scan s = { 0, NULL, 0 };

	*count = 0;
	if (each_unix_on(path, 1u << TCP_ESTABLISHED, &s, err) < 0) {
		return -1;
	}
	*count = s.count;
	return 0;
}

/* Calls fn(fd_path, link_target, data) for each descriptor of pid until fn
 * returns non-zero, and returns that. Processes we may not look into
 * (another user's) have no descriptors for us. */
static int each_fd(pid_t pid, int (*fn)(const char *fd_path, const char *target, void *data), void *data)
{
	char dir[64], fd_path[320], target[256];
	DIR *d;
	struct dirent *e;
	int rc = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int) pid);
	if (!(d = opendir(dir))) {
		return 0;
	}
	while (rc == 0 && (e = readdir(d))) {
		ssize_t n;

		if (e->d_name[0] == '.') {
			continue;
		}
		snprintf(fd_path, sizeof(fd_path), "%s/%s", dir, e->d_name);
		if ((n = readlink(fd_path, target, sizeof(target) - 1)) <= 0) {
			continue;
		}
		target[n] = '\0';
		rc = fn(fd_path, target, data);
	}
	closedir(d);
	return rc;
}

static int is_one_of_sockets(const char *fd_path, const char *target, void *data)
{
	unsigned long inode;

	(void) fd_path;
	return sscanf(target, "socket:[%lu]", &inode) == 1 && inode_list_has(data, inode);
}

struct own_sockets {
	const bg_inode_list *inodes;
	int *fds;
	size_t n;
};

static int add_own_socket(const char *fd_path, const char *target, void *data)
{
	struct own_sockets *s = data;
	int *grown;

	if (!is_one_of_sockets(fd_path, target, (void *) s->inodes)) {
		return 0;
	}
	if (!(grown = realloc(s->fds, (s->n + 1) * sizeof(*s->fds)))) {
		return -1;
	}
	s->fds = grown;
	s->fds[s->n++] = atoi(strrchr(fd_path, '/') + 1);
	return 0;
}

int bg_proc_own_socket_fds(const bg_inode_list *inodes, int **fds, size_t *n)
{
	struct own_sockets s = { inodes, NULL, 0 };
	int rc = each_fd(getpid(), add_own_socket, &s);

	*fds = s.fds;
	*n = s.n;
	return rc < 0 ? -1 : 0;
}

int bg_proc_holds_socket(pid_t pid, const bg_inode_list *inodes)
{
	return each_fd(pid, is_one_of_sockets, (void *) inodes);
}

struct held_scan {
	const bg_inode_list *among;
	bg_inode_list *out;
};

static int add_held_socket(const char *fd_path, const char *target, void *data)
{
	struct held_scan *s = data;
	unsigned long inode;

	(void) fd_path;
	if (sscanf(target, "socket:[%lu]", &inode) != 1 || !inode_list_has(s->among, inode)
		|| inode_list_has(s->out, inode)) {
		return 0;
	}
	return inode_list_add(s->out, inode);
}

int bg_proc_held_sockets(pid_t pid, const bg_inode_list *among, bg_inode_list *out)
{
	struct held_scan s = { among, out };

	return each_fd(pid, add_held_socket, &s) < 0 ? -1 : 0;
}

struct owner_scan {
	const bg_inode_list *inodes;
	bg_pid_list *out;
};

static int add_if_owner(pid_t pid, void *data)
{
	struct owner_scan *s = data;

	if (bg_proc_holds_socket(pid, s->inodes) && bg_proc_state_of(pid) == BG_PROC_ALIVE) {
		return bg_pid_list_add(s->out, pid);
	}
	return 0;
}

struct owners2_scan {
	const bg_inode_list *a, *b;
	bg_pid_list *out_a, *out_b;
	int holds_a, holds_b;
};

static int note_either_socket(const char *fd_path, const char *target, void *data)
{
	struct owners2_scan *s = data;

	s->holds_a = s->holds_a || is_one_of_sockets(fd_path, target, (void *) s->a);
	s->holds_b = s->holds_b || is_one_of_sockets(fd_path, target, (void *) s->b);
	return 0;
}

static int add_if_owner_of_either(pid_t pid, void *data)
{
	struct owners2_scan *s = data;

	s->holds_a = s->holds_b = 0;
	each_fd(pid, note_either_socket, s);
	if ((s->holds_a || s->holds_b) && bg_proc_state_of(pid) == BG_PROC_ALIVE) {
		if ((s->holds_a && bg_pid_list_add(s->out_a, pid) < 0) || (s->holds_b && bg_pid_list_add(s->out_b, pid) < 0)) {
			return -1;
		}
	}
	return 0;
}

int bg_proc_socket_owners2(const bg_inode_list *a, bg_pid_list *out_a, const bg_inode_list *b, bg_pid_list *out_b,
	bg_error *err)
{
	struct owners2_scan s = { a, b, out_a, out_b, 0, 0 };

	if (a->n == 0 && b->n == 0) {
		return 0;
	}
	return each_pid(add_if_owner_of_either, &s, err);
}

int bg_proc_socket_owners(const bg_inode_list *inodes, bg_pid_list *out, bg_error *err)
{
	struct owner_scan s = { inodes, out };

	if (inodes->n == 0) {
		return 0;
	}
	return each_pid(add_if_owner, &s, err);
}

struct file_id {
	dev_t dev;
	ino_t ino;
};

static int is_the_file(const char *fd_path, const char *target, void *data)
{
	const struct file_id *f = data;
	struct stat st;

	return target[0] == '/' && stat(fd_path, &st) == 0 && st.st_dev == f->dev && st.st_ino == f->ino;
}

/* More environment than this is not read (the kernel's limit is larger,
 * but no releaser sets that much). */
#define BG_PROC_ENVIRON_MAX (1024 * 1024)

/* /proc/PID/<name> whole (environ and cmdline are NUL-separated), malloc'd
 * with a NUL after it; NULL when it cannot be read or is empty. */
static char *read_proc_file(pid_t pid, const char *name, size_t *len_out)
{
	char path[64], *buf = NULL, *grown;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int) pid, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			if (cap >= BG_PROC_ENVIRON_MAX || !(grown = realloc(buf, cap + 65536))) {
				break;
			}
			buf = grown;
			cap += 65536;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0) {
			break;
		}
		len += (size_t) n;
	}
	close(fd);
	if (!buf || len == 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*len_out = len;
	return buf;
}

/* The value of NAME in pid's environment as a pointer into buf, or NULL. */
static const char *environ_find(const char *buf, size_t len, const char *name)
{
	size_t i, name_len = strlen(name);

	for (i = 0; i < len; ) {
		size_t var = strnlen(buf + i, len - i);

		if (var > name_len && memcmp(buf + i, name, name_len) == 0 && buf[i + name_len] == '=') {
			return buf + i + name_len + 1;
		}
		i += var + 1;
	}
	return NULL;
}

int bg_proc_environ_has(pid_t pid, const char *entry)
{
	size_t len = 0, name_len = strcspn(entry, "=");
	char *name = strndup(entry, name_len), *buf = read_proc_file(pid, "environ", &len);
	const char *value = buf && name && entry[name_len] == '=' ? environ_find(buf, len, name) : NULL;
	int found = value && strcmp(value, entry + name_len + 1) == 0;

	free(name);
	free(buf);
	return found;
}

char *bg_proc_environ_get(pid_t pid, const char *name)
{
	size_t len = 0;
	char *buf = read_proc_file(pid, "environ", &len);
	const char *value = buf ? environ_find(buf, len, name) : NULL;
	char *copy = value ? strdup(value) : NULL;

	free(buf);
	return copy;
}

char **bg_proc_argv(pid_t pid)
{
	size_t len = 0, i;
	char *buf = read_proc_file(pid, "cmdline", &len), **argv = NULL;

	/* A process title may end without a NUL; read_proc_file added one. */
	for (i = 0; buf && i < len; i += strlen(buf + i) + 1) {
		if (bg_strv_push(&argv, buf + i) < 0) {
			break;
		}
	}
	free(buf);
	return argv;
}

char *bg_proc_link(pid_t pid, const char *name)
{
	char path[64], target[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int) pid, name);
	if ((n = readlink(path, target, sizeof(target) - 1)) <= 0) {
		return NULL;
	}
	target[n] = '\0';
	return strdup(target);
}

void bg_proc_describe(pid_t pid, char *buf, size_t size)
{
	char **argv = bg_proc_argv(pid), *cmd = argv ? bg_strv_join(argv) : NULL;
	size_t len = cmd ? strlen(cmd) : 0;
	int head;

	/* A process title is padded to the length of what it wrote over. */
	while (len > 0 && cmd[len - 1] == ' ') {
		cmd[--len] = '\0';
	}
	head = snprintf(buf, size, "pid %d `", (int) pid);
	if (head >= 0 && (size_t) head + 2 < size) {
		/* Cut at a whole word: the masking done later knows only whole URLs. */
		bg_copy_words(buf + head, size - (size_t) head - 1, cmd ? cmd : "?");
		strcat(buf, "`");
	}
	free(cmd);
	bg_strv_free(argv);
}

/* Whether the descriptor behind /proc/PID/fd/N was opened for writing
 * (its flags in /proc/PID/fdinfo/N). */
static int fd_opened_for_writing(const char *fd_path)
{
	char path[384], buf[512], *flags;
	const char *slash = strrchr(fd_path, '/');
	ssize_t n;
	int f;

	/* /proc/PID/fd/N -> /proc/PID/fdinfo/N */
	snprintf(path, sizeof(path), "%.*sinfo%s", (int) (slash - fd_path), fd_path, slash);
	if ((f = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		return 0;
	}
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0) {
		return 0;
	}
	buf[n] = '\0';
	if (!(flags = strstr(buf, "flags:"))) {
		return 0;
	}
	return (strtoul(flags + 6, NULL, 8) & O_ACCMODE) != O_RDONLY;
}

static int writes_the_file(const char *fd_path, const char *target, void *data)
{
	return is_the_file(fd_path, target, data) && fd_opened_for_writing(fd_path);
}

int bg_proc_writes_file(pid_t pid, dev_t dev, ino_t ino)
{
	struct file_id f = { dev, ino };

	return each_fd(pid, writes_the_file, &f);
}

/* Whether path is dir or below it (both canonical). */
static int path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/') {
		n--;
	}
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0' || (n == 1 && dir[0] == '/'));
}

struct writes_where {
	int (*match)(const char *path, void *data);
	void *data;
	char *found;
	size_t size;
};

static int writes_matching(const char *fd_path, const char *target, void *data)
{
	struct writes_where *w = data;

	if (target[0] == '/' && w->match(target, w->data) && fd_opened_for_writing(fd_path)) {
		snprintf(w->found, w->size, "%s", target);
		return 1;
	}
	return 0;
}

int bg_proc_writes_where(pid_t pid, int (*match)(const char *path, void *data), void *data, char *found,
	size_t size)
{
	struct writes_where w = { match, data, found, size };

	return each_fd(pid, writes_matching, &w);
}

int bg_path_is_under(const char *path, const char *dir)
{
	return path_under(path, dir);
}

struct straggler_scan {
	pid_t pgrp;
	unsigned long long since;
	const char *marker;
	bg_pid_list *out;
};

static int add_if_straggler(pid_t pid, void *data)
{
	struct straggler_scan *s = data;
	bg_stat st;

	if (pid == getpid() || read_stat(pid, &st) < 0 || st.state == 'Z' || st.starttime < s->since) {
		return 0;
	}
	if ((s->pgrp > 0 && st.pgrp == s->pgrp) || bg_proc_environ_has(pid, s->marker)) {
		return bg_pid_list_add(s->out, pid);
	}
	return 0;
}

int bg_proc_stragglers(pid_t pgrp, unsigned long long since, const char *marker, bg_pid_list *out,
	bg_error *err)
{
	struct straggler_scan s = { pgrp, since, marker, out };

	return each_pid(add_if_straggler, &s, err);
}

struct holder_scan {
	struct file_id file;
	unsigned long long since;
	bg_pid_list *out;
};

static int add_if_holder(pid_t pid, void *data)
{
	struct holder_scan *s = data;
	bg_stat st;

	if (pid == getpid() || read_stat(pid, &st) < 0 || st.state == 'Z' || st.starttime < s->since) {
		return 0;
	}
	return each_fd(pid, is_the_file, &s->file) ? bg_pid_list_add(s->out, pid) : 0;
}

int bg_proc_file_holders(dev_t dev, ino_t ino, unsigned long long since, bg_pid_list *out, bg_error *err)
{
	struct holder_scan s = { { dev, ino }, since, out };

	return each_pid(add_if_holder, &s, err);
}

/* One line of /proc/locks: "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"
 * (a waiter's line has "-> " before the type). Device numbers are hex. */
static pid_t flock_line_holder(const char *line, dev_t dev, ino_t ino)
{
	char type[16];
	unsigned maj, min;
	unsigned long long inode;
	int pid;

	if (!(line = strchr(line, ':'))) {
		return 0;
	}
	line++;
	while (*line == ' ') {
		line++;
	}
	if (strncmp(line, "->", 2) == 0) {
		return 0;               /* waits for the lock, does not hold it */
	}
	if (sscanf(line, "%15s %*s %*s %d %x:%x:%llu", type, &pid, &maj, &min, &inode) != 5
		|| strcmp(type, "FLOCK") != 0 || pid <= 0) {
		return 0;
	}
	return maj == major(dev) && min == minor(dev) && inode == (unsigned long long) ino ? (pid_t) pid : 0;
}

pid_t bg_proc_flock_holder(dev_t dev, ino_t ino)
{
	FILE *f = fopen("/proc/locks", "re");
	char line[256];
	pid_t pid = 0;

	if (!f) {
		return -1;
	}
	while (pid == 0 && fgets(line, sizeof(line), f)) {
		pid = flock_line_holder(line, dev, ino);
	}
	fclose(f);
	return pid;
}

unsigned long long bg_proc_ticks_now(void)
{
	struct timespec ts;
	long hz = sysconf(_SC_CLK_TCK);

	/* starttime counts from boot, suspend included: CLOCK_BOOTTIME. */
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (unsigned long long) ts.tv_sec * (unsigned long long) hz
		+ (unsigned long long) ts.tv_nsec / (1000000000ULL / (unsigned long long) hz);
}

/* Reaps pid if it is our child and has exited; harmless otherwise. */
static void reap_if_ours(pid_t pid)
{
	int status;

	waitpid(pid, &status, WNOHANG);
}

static int count_alive(const bg_pid_list *pids)
{
	size_t i;
	int alive = 0;

	for (i = 0; i < pids->n; i++) {
		reap_if_ours(pids->pids[i]);
		alive += bg_proc_state_of(pids->pids[i]) == BG_PROC_ALIVE;
	}
	return alive;
}

int bg_proc_wait_gone(const bg_pid_list *pids, double ms)
{
	double deadline = bg_now_ms() + ms, pause = 2;
	int alive;

	/* Close at first (the service's processes exit right after its port
	 * closes), at most 50 ms apart. */
	while ((alive = count_alive(pids)) > 0 && bg_now_ms() < deadline) {
		bg_sleep_ms(pause);
		pause = pause < 50 ? pause * 1.5 : 50;
	}
	return alive;
}

void bg_proc_signal(const bg_pid_list *pids, int sig)
{
	size_t i;

	for (i = 0; i < pids->n; i++) {
		if (bg_proc_state_of(pids->pids[i]) == BG_PROC_ALIVE) {
			kill(pids->pids[i], sig);
		}
	}
}

int bg_proc_terminate(const bg_pid_list *pids, double grace_ms)
{
	bg_proc_signal(pids, SIGTERM);
	if (bg_proc_wait_gone(pids, grace_ms) == 0) {
		return 0;
	}
	bg_proc_signal(pids, SIGKILL);
	return bg_proc_wait_gone(pids, 2000);
}

int bg_proc_service_roots(const bg_pid_list *owners, bg_pid_list *out, bg_error *err)
{
	size_t i;

	for (i = 0; i < owners->n; i++) {
		pid_t ppid = bg_proc_ppid(owners->pids[i]);

		if (ppid >= 0 && !bg_pid_list_has(owners, ppid) && bg_pid_list_add(out, owners->pids[i]) < 0) {
			return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
		}
	}
	return 0;
}
