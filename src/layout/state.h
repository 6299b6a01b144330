/* bluegreen core: what the releaser knows between runs, in
 * state.json (bg_layout_state_path).
 *
 * Written atomically (bg_write_file_atomic) at every step of a deploy, so that
 * a releaser killed at any moment leaves a file that says where it was: the
 * next one reconciles from it (see pipeline_recover.c). */
#ifndef BG_STATE_H
#define BG_STATE_H

#include "base/error.h"
#include "base/options.h"
#include "layout/release.h"

/* A release that served: the release, and since when it did. */
typedef struct {
	int set;
	bg_release rel;
	long long since;
	long long done_ms;       /* epoch ms: its deploy ended (switched, the old
	                          * release drained and stopped); 0 unknown. A
	                          * fleet member whose result the store could
	                          * not take then records it later with this. */
} bg_state_release;

/* A deploy under way: which commit, which step, by whom. */
typedef struct {
	int set;
	bg_release rel;          /* path and port once known */
	char step[16];           /* "prepare", "start", "canary", "switch", "watch", "drain", "stop", "prune" */
	int from_port;           /* the port live when it began */
	long long started;
	int pid;                 /* the releaser doing it */
	unsigned long long pid_start; /* its start time: a reused pid is not it */
	long long watch_since_ms;     /* the watch (pipeline_watch.c): when nginx
	                               * switched to the new release (epoch ms), 0: none */
	unsigned long long watch_dev, watch_ino;  /* the access log then, and */
	long long watch_offset;       /* its size: only lines after it count */
} bg_state_deploy;

/* A failure: of a deploy (commit and step), or of a check. */
typedef struct {
	char commit[41];         /* "" for none */
	char step[16];
	char *error;
	long long at;
} bg_state_failure;

/* A deploy that failed for the environment's sake (nginx down, disk full,
 * remote unreachable), not the commit's: tick() tries again from `after`,
 * each failure in a row doubling the wait. */
typedef struct {
	char commit[41];         /* "" for none */
	char step[16];
	char *reason;            /* what was wrong, and the error; NULL when none */
	int attempts;            /* failed attempts in a row */
	long long after;         /* epoch seconds */
} bg_state_retry;

/* A service bluegreen started and saw healthy: proof, later, that the
 * process on a port is ours (a daemon that left its directory). */
typedef struct {
	int pid;
	unsigned long long pid_start;  /* a reused pid is not it */
	int port;
} bg_state_service;

/* How many such services are remembered (the pair's, and a few before). */
#define BG_STATE_MAX_SERVICES 8

typedef struct {
	bg_state_release live;
	bg_state_release previous;
	bg_state_deploy deploy;
	bg_state_failure *failed;  /* failed commits, oldest first */
	size_t n_failed;
	bg_state_failure last_error;   /* error NULL when none */
	long long checked_at;          /* the last check, 0 for never */
	char checked_head[41];         /* what it found ("" when it failed) */
	int stop_pending_port;         /* self-hosted: an old port whose stop was
	                                * sent by the releaser that it killed */
	long long stop_pending_since;
	bg_state_retry retry;          /* reason NULL when nothing waits */
	bg_state_service services[BG_STATE_MAX_SERVICES];  /* oldest first */
	size_t n_services;
	long long unhealthy_since;     /* since when the live release fails its
	                                * health check (tick() found it); 0: healthy */
	char unhealthy_why[256];       /* what the last check got */
} bg_state;

/* How many failed commits are remembered. */
#define BG_STATE_MAX_FAILED 20

void bg_state_init(bg_state *s);
void bg_state_free(bg_state *s);

/* Reads the state file; a missing file is an empty state. A file that is
 * not a state bluegreen wrote is BG_ERR_SYSTEM naming it. */
int bg_state_load(const bg_options *opt, bg_state *s, bg_error *err);

/* Writes it atomically. */
int bg_state_save(const bg_options *opt, const bg_state *s, bg_error *err);

/* Records a failure, as the last error and, with a commit, among the failed
 * commits (the oldest forgotten past BG_STATE_MAX_FAILED). */
void bg_state_fail(bg_state *s, const char *commit, const char *step, const char *error);

/* The failure recorded for commit, or NULL. */
const bg_state_failure *bg_state_failed(const bg_state *s, const char *commit);

/* Records the environment's failure of a deploy of commit at step: the
 * retry waits first_s, doubled for each failure of the same retry in a
 * row, at most max_s. Returns the wait, in whole seconds. */
long long bg_state_retry_set(bg_state *s, const char *commit, const char *step, const char *reason, double first_s,
	double max_s);

/* Forgets the pending retry (a deploy went live, or failed for good). */
void bg_state_retry_clear(bg_state *s);
/* Records a service started on port (forgetting the oldest past the max). */
void bg_state_add_service(bg_state *s, int pid, unsigned long long pid_start, int port);

/* Whether the state records the process (pid and start time). */
int bg_state_has_service(const bg_state *s, int pid, unsigned long long pid_start);

/* Sets a release slot from a release. */
int bg_state_set_release(bg_state_release *slot, const bg_release *rel, long long since);

#endif
