/* bluegreen core: the one door. One releaser — its options, where it logs,
 * and what it remembers from one call to the next — and every operation the
 * PHP face offers, each one bg_releaser_* call. The Releaser PHP object owns
 * one; the glue (the top-level *.c files) includes no other core header
 * (tests/run.sh checks): it parses arguments, makes one call, converts. */
#ifndef BG_RELEASER_H
#define BG_RELEASER_H

#include "base/error.h"
#include "base/log.h"
#include "base/options.h"
#include "layout/lock.h"
#include "layout/release.h"
#include "layout/state.h"
#include "git/git.h"
#include "nginx/nginx.h"
#include "service/service.h"
#include "sys/proc.h"
#include "fleet/fleet.h"

/* A self-hosted releaser that stopped the service it runs in. It deploys
 * nothing more, and keeps the deploy lock until its process is gone, so that
 * exactly one releaser acts at a time — or until the service it stopped is
 * gone while it lives on (it was not one of the service's processes), when
 * the lock is released for the next generation. */
typedef struct {
	int done;                /* handed over */
	bg_lock lock;            /* the deploy lock, kept */
	int port;                /* the port whose service it stopped */
	long long since;         /* when (epoch seconds) */
	bg_pid_list roots;       /* that service's root processes, after the stop */
	pid_t stop_pid;          /* the detached `stop` command, until reaped; 0 if none */
	int warned;              /* the slow stop was logged */
} bg_handoff;

typedef struct {
	bg_options opt;
	bg_logger log;
	bg_switch last_switch;   /* the nginx workers still serving the port
	                          * switched away from: stop() waits for them */
	bg_handoff handed_off;   /* self-hosted: handed over to the next
	                          * generation (pipeline_self.c) */
	int switch_unsure;       /* the last switch failed, and nginx may still
	                          * run its config: its port is not stopped */
	int heal_failures;       /* heals of the live release that failed in a row */
	double heal_next_ms;     /* no heal is tried before then (bg_now_ms) */
	char wake_seen[64];      /* the wake file's line when the last tick()
	                          * began ("" when none): woken() compares */
	bg_fleet fleet;          /* fleet member: the store, the slot held */
	bg_release fleet_prepared; /* prepared, waiting for a slot */
} bg_releaser;

void bg_releaser_init(bg_releaser *r);

/* The options as read, checked (paths exist) and completed by the core: in
 * socket mode, the sockets' paths from the layout. */
int bg_releaser_options_check(bg_releaser *r, bg_error *err);
void bg_releaser_free(bg_releaser *r);

/* check(): whether the branch head differs from the live commit — the
 * state's live release, root's HEAD only before any deploy — as deploy()
 * decides it. Reads the state without the lock; records nothing. */
int bg_releaser_check(bg_releaser *r, char sha[41], int *changed, bg_error *err);

/* prepare(): a release directory of commit (a full or short sha), built. */
int bg_releaser_prepare(bg_releaser *r, const char *commit, bg_release *out, bg_error *err);

/* ports(): which port nginx points to, the idle one, which listen. */
int bg_releaser_ports(bg_releaser *r, bg_ports *out, bg_error *err);

/* start(): rel started on port (one of the pair) and healthy; rel->port set. */
int bg_releaser_start(bg_releaser *r, bg_release *rel, int port, bg_error *err);

/* stop(): waits for the old nginx workers of a switch away from `port`
 * (bounded by drain_timeout), then drains and stops the port. */
int bg_releaser_stop(bg_releaser *r, int port, bg_error *err);

/* switchTo(): the nginx switch, remembering the old workers. */
int bg_releaser_switch(bg_releaser *r, int port, bg_error *err);

/* deploy(): commit (a full or short sha), or NULL for whatever check() finds
 * new on the branch. *deployed is 1 and out the live release when one went
 * live, 0 when there was nothing new. Fails with the failing stage's code,
 * after undoing what the stage did and recording the failure. */
int bg_releaser_deploy(bg_releaser *r, const char *commit, bg_release *out, int *deployed, bg_error *err);

/* tick(): one poll, as deploy(NULL) but never failing for a deploy's sake:
 * a failure is logged with its stage and recorded, a held lock is a quiet
 * no, and a commit that failed before is not tried again until the branch
 * moves. */
void bg_releaser_tick(bg_releaser *r, bg_release *out, int *deployed);

/* rollback(): the previous release goes live again, through the same start,
 * switch, drain and stop. */
int bg_releaser_rollback(bg_releaser *r, bg_release *out, bg_error *err);

/* status(): what is running and why, read without taking the lock. */
typedef struct {
	bg_state state;
	int have_ports;
	bg_ports ports;
	char ports_error[BG_ERROR_MSG_MAX]; /* why ports could not be read */
	int lock_holder;          /* pid holding the lock, 0 if none */
	int deploy_running;       /* state.deploy's releaser is alive */
	int live_probed;          /* the port nginx points to was probed: */
	int live_healthy;         /* it answered its health check */
	char **history;           /* the last BG_STATUS_HISTORY lines of the history (JSON) */
	size_t n_history;
	int fleet_read;           /* a fleet member whose store answered: */
	bg_fleet_view fleet;      /* the newest rollout and the slots */
	char fleet_error[BG_ERROR_MSG_MAX]; /* a member whose store did not: why */
} bg_status;

/* How many history lines status() shows. */
#define BG_STATUS_HISTORY 5

int bg_releaser_status(bg_releaser *r, bg_status *out, bg_error *err);

/* fleetControl(): an operator's command to the fleet, one atomic store
 * operation: "pause" (no member takes a new slot), "resume", "abort" (the
 * newest rollout halted by the operator). What was done, in `done`. */
int bg_releaser_fleet_control(bg_releaser *r, const char *command, char *done, size_t size, bg_error *err);
void bg_status_free(bg_status *st);

/* history(): the last `limit` lines of the deploy history, oldest first,
 * each a JSON object (malloc'd; bg_releaser_history_free). */
int bg_releaser_history(bg_releaser *r, size_t limit, char ***lines, size_t *n, bg_error *err);
void bg_releaser_history_free(char **lines, size_t n);

/* run(): tick() every `interval` seconds until SIGTERM or SIGINT, which end
 * the wait at once and the loop cleanly. */
int bg_releaser_run(bg_releaser *r, int interval, bg_error *err);

/* wake(): asks the process running run() to tick now (and woken() to say
 * so): rewrites the wake file (bg_layout_wake_path), which run() watches with
 * inotify. For a push webhook, in whatever process answers it. */
int bg_releaser_wake(bg_releaser *r, bg_error *err);

/* woken(): whether wake() was called since this releaser's last tick()
 * began: a loop that sleeps in short steps (a Swoole coroutine) ticks at
 * once. One stat(). */
int bg_releaser_woken(bg_releaser *r);

/* run_loop.c, from tick(): notes when it began, for woken(). */
void bg_releaser_tick_begins(bg_releaser *r);

/* Once per process (MINIT, MSHUTDOWN), around every other call. */
void bg_releaser_global_init(void);
void bg_releaser_global_shutdown(void);

/* What phpinfo() shows of the libraries the core runs on. */
typedef bg_git_library bg_releaser_library;
void bg_releaser_library_info(bg_releaser_library *out);

/* For the glue's option reader and var_dump: whether a branch name is valid
 * (git's rules), and a URL with its credentials masked (malloc'd). */
int bg_releaser_branch_valid(const char *name);
char *bg_releaser_mask_url(const char *url);

#endif
