/* bluegreen core: the one way bluegreen runs a command.
 *
 * Every child (build steps, the service's start and stop commands, nginx's
 * test and reload) is started here, because the releaser often runs inside a
 * Swoole process whose state must not leak into children: there SIGTERM is
 * blocked (signalfd), SIGPIPE is ignored, and the server's sockets and pipes
 * are open. So a child gets an empty signal mask, every signal at its default
 * disposition, /dev/null as stdin, a file for stdout and stderr, and no other
 * descriptor. No shell is involved: argv goes to execve as it is. */
#ifndef BG_SPAWN_H
#define BG_SPAWN_H

#include "base/error.h"
#include "base/log.h"

#include <sys/types.h>

typedef struct {
	char *const *argv;     /* argv[0] without '/' is looked up in PATH */
	const char *cwd;       /* NULL: ours */
	char *const *env;      /* "KEY=value" entries set on top of our environment */
	int out_fd;            /* the child's stdout and stderr; -1 for /dev/null */
	int detach;            /* 1: setsid(), a service that must outlive us;
	                        * 0: its own process group, so a timeout can kill
	                        *    everything it started */
	bg_code err_code;      /* the code of errors (BG_ERR_BUILD, BG_ERR_START...) */
} bg_spawn_opts;

typedef struct {
	pid_t pid;
	int pidfd;             /* -1 where the kernel has no pidfd_open */
} bg_child;

typedef enum {
	BG_EXIT_CODE,          /* exited: code is the exit status */
	BG_EXIT_SIGNAL,        /* killed: code is the signal */
	BG_EXIT_UNKNOWN,       /* gone, but reaped by someone else (ECHILD) */
	BG_EXIT_TIMEOUT,       /* still running when the wait ended */
	BG_EXIT_STOPPED        /* still running when a stop was requested: code is the signal */
} bg_exit_kind;

typedef struct {
	bg_exit_kind kind;
	int code;
} bg_exit;

/* Starts argv. On success the caller owns child (bg_child_release). */
int bg_spawn(const bg_spawn_opts *opts, bg_child *child, bg_error *err);

/* Waits at most timeout_ms for the child to end; blocking, inside this call,
 * so that no event loop (Swoole's) gets to reap it first. */
void bg_child_wait(bg_child *child, double timeout_ms, bg_exit *ex);

/* bg_child_wait that also ends, with BG_EXIT_STOPPED, within 50 ms of a
 * stop request (bg_stop_requested). */
void bg_child_wait_stoppable(bg_child *child, double timeout_ms, bg_exit *ex);

/* Stops the child's process group (or session): SIGTERM, up to grace_ms for
 * the leader to exit, then SIGKILL to the group. Fills ex with how the leader
 * ended. */
void bg_child_kill_group(bg_child *child, double grace_ms, bg_exit *ex);

/* Sleeps at most ms, waking early when the child exits (it is not reaped). */
void bg_child_pause(const bg_child *child, double ms);

/* A pidfd of pid (close-on-exec), readable once it has exited; -1 where
 * the kernel, or valgrind, has no pidfd_open: then poll waitpid. */
int bg_pidfd_open(pid_t pid);

/* Forgets the child without waiting (a service left running). */
void bg_child_release(bg_child *child);

/* How a child ended, from waitpid's status. */
void bg_exit_from_status(int status, bg_exit *ex);

/* "exit status 2", "killed by SIGKILL", "exit status unknown (...)". */
void bg_exit_describe(const bg_exit *ex, char *buf, unsigned long size);
int bg_exit_ok(const bg_exit *ex);

/* The full path of a command name as execve needs it, looked up in PATH when
 * it has no '/'; NULL (errno ENOENT or EACCES) when there is none. */
char *bg_which(const char *cmd);

/* What a command run for a release learns from its environment, named
 * once: the port it serves (BLUEGREEN_PORT), the commit (BLUEGREEN_COMMIT),
 * the release directory (BLUEGREEN_RELEASE, also how a leftover of an
 * interrupted deploy is recognized) and, with the socket switch, the unix
 * socket it listens on instead of the port (BLUEGREEN_SOCKET). */
#define BG_ENV_PORT "BLUEGREEN_PORT"
#define BG_ENV_COMMIT "BLUEGREEN_COMMIT"
#define BG_ENV_RELEASE "BLUEGREEN_RELEASE"
#define BG_ENV_SOCKET "BLUEGREEN_SOCKET"

typedef struct {
	char *env[5];          /* "KEY=value" entries, NULL-terminated: bg_spawn_opts.env */
} bg_release_env;

/* The entries of what is given: port > 0, commit, release and socket
 * non-NULL. -1 (e freed) when out of memory. */
int bg_release_env_init(bg_release_env *e, int port, const char *commit, const char *release,
	const char *socket);
void bg_release_env_free(bg_release_env *e);

/* The result of a command run to completion (bg_run). */
typedef struct {
	bg_exit exit;
	double duration_ms;
	char tail[1536];       /* the last lines it printed */
	int n_left;            /* processes it left running, stopped after it */
	char left[512];        /* them, "pid 123 `sleep 300`, ..." */
} bg_run_result;

/* Runs a command to completion, bounded by timeout_ms: its output is appended
 * to output_path (a header line first, naming the command), or to a temporary
 * file when output_path is NULL; on timeout its whole process group is
 * stopped. Nothing it starts outlives it: once it has exited, what is left
 * of its process group, and any process carrying its BLUEGREEN_RUN_ID marker
 * in its environment (one that left the group with setsid or a double fork),
 * gets SIGTERM, a short grace, then SIGKILL, and is named in res->left.
 * Returns 0 when the command ran (whatever its exit), -1 when it could not
 * be started; res says how it ended. */
int bg_run(const bg_spawn_opts *opts, double timeout_ms, const char *output_path,
	bg_run_result *res, bg_error *err);

/* A warning naming what the command (`what`) left running, if anything. */
void bg_run_log_left(const bg_logger *log, const char *what, const bg_run_result *res);
/* bg_run that a stop request (bg_stop_requested) also ends, within 50 ms,
 * as a timeout does (res->exit BG_EXIT_STOPPED, its group stopped): for
 * the steps a stopping releaser undoes (build steps), never for those it
 * must finish (nginx's test and reload). */
int bg_run_stoppable(const bg_spawn_opts *opts, double timeout_ms, const char *output_path,
	bg_run_result *res, bg_error *err);

/* Writes "==> <UTC time> $ <command>   (in <cwd>)" to fd: one line before each
 * command, so that an output file shared by several commands reads as a log. */
void bg_output_header(int fd, const bg_spawn_opts *opts);

/* The last max_lines lines of fd's content from offset `from` on, trimmed. */
void bg_read_tail(int fd, long from, int max_lines, char *buf, unsigned long size);

#endif
