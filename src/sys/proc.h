/* bluegreen core: what /proc says about processes and TCP sockets.
 *
 * No child process (no lsof, no ss): the releaser may run where spawning is
 * costly, and /proc answers exactly what we ask. */
#ifndef BG_PROC_H
#define BG_PROC_H

#include "base/error.h"
#include "base/netaddr.h"

#include <stddef.h>
#include <sys/types.h>

typedef enum {
	BG_PROC_GONE,     /* no such process */
	BG_PROC_ZOMBIE,   /* exited, not yet reaped: it serves nothing */
	BG_PROC_ALIVE
} bg_proc_state;

/* From /proc/PID/stat, not kill(pid, 0): a zombie answers kill() too. */
bg_proc_state bg_proc_state_of(pid_t pid);

/* The parent pid, or -1 when the process is gone. */
pid_t bg_proc_ppid(pid_t pid);

/* The process's start time (clock ticks since boot), to tell a pid from a
 * later process that reuses it; 0 when gone. */
unsigned long long bg_proc_starttime(pid_t pid);

/* A growable list of pids. */
typedef struct {
	pid_t *pids;
	size_t n;
} bg_pid_list;

void bg_pid_list_free(bg_pid_list *l);
int bg_pid_list_has(const bg_pid_list *l, pid_t pid);

/* Appends pid unless the list has it; -1 when out of memory. */
int bg_pid_list_add(bg_pid_list *l, pid_t pid);

/* The live children of parent (scanning /proc/[0-9]+/stat). */
int bg_proc_children(pid_t parent, bg_pid_list *out, bg_error *err);

/* One live child of pid, read from /proc/PID/task/PID/children (the
 * children its main thread forked: all of a single-threaded process's, such
 * as nginx's master) without scanning every process; else by that scan.
 * 0 when it has none. */
pid_t bg_proc_a_child(pid_t pid);

/* Every process there is, live or not yet reaped. */
int bg_proc_all(bg_pid_list *out, bg_error *err);

/* The kernel's name for pid ("nginx", "php8.2": its comm) into buf; -1,
 * buf untouched, when it cannot be read. */
int bg_proc_comm(pid_t pid, char *buf, size_t size);

/* Who pid acts as for file access: its effective uid and gid and its
 * supplementary groups (at most BG_PROC_MAX_GROUPS), from /proc/PID/status. */
#define BG_PROC_MAX_GROUPS 64
typedef struct {
	uid_t uid;
	gid_t gid;
	gid_t groups[BG_PROC_MAX_GROUPS];
	size_t n_groups;
} bg_proc_ids;

int bg_proc_ids_of(pid_t pid, bg_proc_ids *out);

/* TCP sockets on `port`, from /proc/net/tcp and tcp6: the inodes of the
 * sockets listening on host:port (or on the wildcard address), and how many
 * connections to host:port are ESTABLISHED. host: every address that means
 * the `host` option (bg_options.host_addrs). */
typedef struct {
	unsigned long *inodes;
	size_t n;
} bg_inode_list;

void bg_inode_list_free(bg_inode_list *l);
int bg_proc_listen_inodes(const bg_netaddr_set *host, int port, bg_inode_list *out, bg_error *err);
int bg_proc_established(const bg_netaddr_set *host, int port, int *count, bg_error *err);

/* The same for the unix stream socket file at path (socket switch): the
 * inodes of the sockets listening on it (none when no such file), and how
 * many connections to it are open, from sock_diag. */
int bg_proc_unix_listen_inodes(const char *path, bg_inode_list *out, bg_error *err);
int bg_proc_unix_established(const char *path, int *count, bg_error *err);

/* The inodes of every listening TCP socket, on any address and port. */
int bg_proc_all_listen_inodes(bg_inode_list *out, bg_error *err);

/* The descriptors of this process that are one of the sockets, into a
 * malloc'd array (NULL when none); -1 when out of memory. */
int bg_proc_own_socket_fds(const bg_inode_list *inodes, int **fds, size_t *n);

/* Whether pid holds any of the sockets open. */
int bg_proc_holds_socket(pid_t pid, const bg_inode_list *inodes);

/* The sockets among `among` that pid holds open, into out (each once); -1
 * when out of memory. */
int bg_proc_held_sockets(pid_t pid, const bg_inode_list *among, bg_inode_list *out);

/* The processes holding any of these sockets open (scanning every /proc/PID/fd). */
int bg_proc_socket_owners(const bg_inode_list *inodes, bg_pid_list *out, bg_error *err);

/* The same for two sets at once, in one scan: the holders of a into out_a,
 * of b into out_b (a process holding both is in both). */
int bg_proc_socket_owners2(const bg_inode_list *a, bg_pid_list *out_a, const bg_inode_list *b, bg_pid_list *out_b,
	bg_error *err);

/* The processes that have the file (by device and inode) open, among those
 * started at or after `since` (bg_proc_starttime units; 0 for all). */
int bg_proc_file_holders(dev_t dev, ino_t ino, unsigned long long since, bg_pid_list *out, bg_error *err);

/* Whether pid's environment holds exactly this "NAME=value" entry. (A
 * process title set with cli_set_process_title may have written over it.) */
int bg_proc_environ_has(pid_t pid, const char *entry);

/* The value of NAME in pid's environment (malloc'd), or NULL. */
char *bg_proc_environ_get(pid_t pid, const char *name);

/* pid's command line as a vector (bg_strv_free), or NULL when gone or
 * empty (a kernel thread). */
char **bg_proc_argv(pid_t pid);

/* The target of /proc/PID/<name> ("cwd", "exe"), malloc'd, or NULL. */
char *bg_proc_link(pid_t pid, const char *name);

/* "pid 123 `php server.php start`", for messages. */
void bg_proc_describe(pid_t pid, char *buf, size_t size);

/* Whether pid holds open for writing a file whose path match() accepts;
 * the first such path goes to found. */
int bg_proc_writes_where(pid_t pid, int (*match)(const char *path, void *data), void *data, char *found,
	size_t size);

/* Whether the canonical path is dir or lies below it. */
int bg_path_is_under(const char *path, const char *dir);

/* The live processes, other than us, started at or after `since`
 * (bg_proc_starttime units), in process group pgrp (0: none) or with
 * exactly `marker` ("NAME=value") in their environment: what a command
 * started and left behind, even through setsid or a double fork. */
int bg_proc_stragglers(pid_t pgrp, unsigned long long since, const char *marker, bg_pid_list *out,
	bg_error *err);

/* Whether pid has the file (device and inode) open for writing, as its
 * stdout, say; one reading it (tail -f) does not count. */
int bg_proc_writes_file(pid_t pid, dev_t dev, ino_t ino);

/* The pid that holds an flock on the file (device and inode), from
 * /proc/locks, which the kernel fills in when the lock is taken: unlike a pid
 * the holder writes into the file afterwards, it is never missing. 0 when no
 * flock on it is listed, -1 when /proc/locks cannot be read. */
pid_t bg_proc_flock_holder(dev_t dev, ino_t ino);

/* Where bg_proc_flock_holder reads, for messages that name it. */
#define BG_PROC_LOCKS "/proc/locks"

/* The clock-tick count now, in bg_proc_starttime units. */
unsigned long long bg_proc_ticks_now(void);

/* Sends sig to each pid that is alive. */
void bg_proc_signal(const bg_pid_list *pids, int sig);

/* Waits at most ms for every pid to be gone (zombies count as gone; ours are
 * reaped). Returns how many are still alive. */
int bg_proc_wait_gone(const bg_pid_list *pids, double ms);

/* SIGTERM to each pid, up to grace_ms for all of them to be gone, then
 * SIGKILL to those left and up to 2 s more. Reaps the ones that are our
 * children. Returns how many were still there after SIGKILL. */
int bg_proc_terminate(const bg_pid_list *pids, double grace_ms);

/* The service among the owners: each owner whose parent is not itself an
 * owner (a Swoole master, not its manager and workers). */
int bg_proc_service_roots(const bg_pid_list *owners, bg_pid_list *out, bg_error *err);

#endif
