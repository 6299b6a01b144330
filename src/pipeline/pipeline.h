/* bluegreen core: what the pipeline's files share (the pipeline folder only;
 * the glue enters by releaser.h). */
#ifndef BG_PIPELINE_H
#define BG_PIPELINE_H

#include "layout/lock.h"
#include "pipeline/releaser.h"
#include "layout/state.h"
#include "ops/ops.h"

/* releaser.c: waits, bounded by drain_timeout, for the nginx workers of the
 * last switch away from `port` to exit: until then they may still send it
 * requests. */
void bg_releaser_wait_old_workers(bg_releaser *r, int port);

/* The same, until deadline_ms (bg_now_ms() time): the first part of a drain
 * that has one deadline for the workers and the connections together. */
void bg_releaser_wait_old_workers_until(bg_releaser *r, int port, double deadline_ms);

/* One locked call of the pipeline (deploy, tick, rollback). */
typedef struct {
	bg_releaser *r;
	bg_lock lock;
	bg_state st;
	bg_release live;        /* the release serving now */
	int live_port;          /* the port nginx points to */
	bg_release next;        /* the release going live */
	double t0;              /* when the call began */
	double step_t0;         /* when the current step began */
	char timings[256];      /* "prepare 1.1 s, start 820 ms, ..." */
	/* What history and metrics are told when the call ends (bg_pipeline_record): */
	const char *action;     /* "deploy", "rollback", "heal"; NULL: nothing began */
	const char *trigger;    /* "tick", "deploy", "rollback", "cli", ... */
	double action_t0;       /* when the action began (bg_now_ms) */
	int begun;              /* the lock is held and the state read */
	bg_ops_event ev;        /* its steps' durations, timed as they end */
	const char *result;     /* set by a failed step (BG_OPS_FAILED, ...) */
	char failed_commit[41];
	char failed_step[16];
	char *failed_error;     /* malloc'd */
} bg_pipeline;

/* pipeline.c: the end of a deploy, rollback or heal (rc its outcome, err its
 * error), reported once to history and metrics (ops/ops.h); then the next
 * action of the same call starts afresh. */
void bg_pipeline_record(bg_pipeline *p, int rc, const bg_error *err);

/* pipeline.c: takes the lock, reads the state, reconciles an interrupted
 * deploy, and finds the live release. */
int bg_pipeline_begin(bg_pipeline *p, bg_releaser *r, bg_error *err);
void bg_pipeline_end(bg_pipeline *p);

/* Whether the release at path still serves (is live or previous). */
int bg_pipeline_keeps(const bg_state *st, const char *path);

/* pipeline_recover.c: a deploy the state says is under way was interrupted
 * (its releaser died, or the lock would still be held): makes the state
 * true again from what nginx points to and what answers. Also finishes the
 * stop a self-hosted releaser left pending. */
int bg_pipeline_recover(bg_pipeline *p, bg_error *err);

/* pipeline_retry.c: whether a failed step failed for the environment's sake
 * (nginx not running or its commands not runnable, a full or read-only
 * disk, an unreachable remote) rather than the release's: then `why` says
 * what was wrong. */
int bg_pipeline_environment_failed(const bg_pipeline *p, const bg_error *err, char *why, size_t size);

/* Records such a failure as a retry (not a failed commit) with its backoff,
 * and logs it at error level. */
void bg_pipeline_retry_later(bg_pipeline *p, const char *commit, const char *why, const bg_error *err);

/* From tick(): whether a pending retry's backoff still runs (logged at debug
 * level); deploy() with no tick does not wait. */
int bg_pipeline_retry_waits(bg_pipeline *p);
/* pipeline.c: the previous release goes live again (start, switch, drain,
 * stop the one live now, prune), logged as `verb`: rollback() and a heal. */
int bg_pipeline_to_previous(bg_pipeline *p, const char *verb, bg_error *err);

/* pipeline_heal.c, from tick(): the port nginx points to must answer its
 * health check. When it does not, the failure is logged (error) and
 * recorded in the state, and healed: the live release started again on its
 * port, else the previous release made live. A heal that fails is tried
 * again after a backoff, and reported at every tick. *switched is 1 when
 * the previous release went live (the tick deploys nothing more). */
void bg_pipeline_heal(bg_pipeline *p, int *switched);

/* pipeline_hooks.c: the `hooks` option. The before_<step> hooks of the step
 * just entered (p->st.deploy.step): for prepare, start and switch, -1 with
 * err when one fails (the caller fails the step); for drain and stop (the
 * new release is live) a failure is logged only. */
int bg_pipeline_hooks_before(bg_pipeline *p, bg_error *err);

/* The after_<step> hooks of the step that just ended (took_ms long), then
 * after_deploy (verb "deploy") or after_rollback (a rollback or a heal),
 * and on_failure: each failure is logged only. */
void bg_pipeline_hooks_after(bg_pipeline *p, double took_ms);
void bg_pipeline_hooks_done(bg_pipeline *p, const char *verb);
void bg_pipeline_hooks_failed(bg_pipeline *p, const char *commit, const char *step, const bg_error *failure);

/* pipeline_prune.c: removes the oldest release-* directories beyond
 * keep_releases, never the live or previous one. */
void bg_pipeline_prune(bg_pipeline *p);

/* pipeline_self.c: whether this process, or an ancestor, holds the port's
 * listening socket: the releaser runs inside the service it replaces. */
int bg_pipeline_self_hosted(const bg_options *opt, int port);

/* Records the stop as pending, prunes, closes this process's copies of the
 * port's listening socket and asks the service to stop, without waiting:
 * stopping it stops this process too. The lock passes to r->handed_off. */
void bg_pipeline_hand_off(bg_pipeline *p, int port, const char *release_dir);

/* Each later call of a releaser that handed over: reaps the `stop` command,
 * and releases the kept lock once the stopped service is gone while this
 * process lives on. */
void bg_pipeline_handed_off_poll(bg_releaser *r);

/* pipeline.c, for pipeline_fleet.c: the deploy's prepare step, and its
 * start-switch-drain-stop; a release prepared at an earlier tick taken as
 * the deploy's (-1 out of memory); the deploy record dropped (the release
 * prepared but not switched to). */
int bg_pipeline_prepare_step(bg_pipeline *p, const char *commit, bg_error *err);
int bg_pipeline_go_live(bg_pipeline *p, const char *verb, bg_error *err);
int bg_pipeline_reuse_prepared(bg_pipeline *p, const bg_release *rel);
void bg_pipeline_forget_deploy(bg_pipeline *p);

/* pipeline_fleet.c, from tick() when the releaser is a fleet member: joins
 * the commit's rollout, prepares (or takes the release prepared at an
 * earlier tick), and switches only while holding a slot, recording the
 * result with the slot's fencing token; a halted rollout is not switched
 * to, and its commit is marked failed here. 1 when the commit went live, 0
 * when not this tick (waiting for a slot, halted, the store unreachable:
 * logged), -1 on a failed deploy (logged). */
int bg_pipeline_fleet_deploy(bg_pipeline *p, const char *commit, bg_error *err);

/* pipeline_fleet.c, from tick() of a fleet member with nothing new to
 * deploy: BG_FLEET_ROLL_BACK when its live commit's rollout halted and
 * fleet.on_halt is 'rollback' (the commit is marked failed here);
 * BG_FLEET_CONVERGE with sha the fleet's last done commit when the branch
 * head's rollout halted and this member is on another; else
 * BG_FLEET_SETTLED (also when the store does not answer: logged). */
enum { BG_FLEET_SETTLED, BG_FLEET_ROLL_BACK, BG_FLEET_CONVERGE };
int bg_pipeline_fleet_settle(bg_pipeline *p, char sha[41], bg_error *err);

/* The rollback of BG_FLEET_ROLL_BACK: the previous release goes live
 * again, recorded in the rollout as `rolled_back`. */
int bg_pipeline_fleet_roll_back(bg_pipeline *p, bg_error *err);

/* At each step: renews the slot held, if any (a lost one is logged: the
 * result's write will be fenced out). */
void bg_pipeline_fleet_renew(bg_pipeline *p);

/* status(): the fleet's view when the releaser is a member (the store's
 * failure is kept in out->fleet_error, its credentials masked). */
void bg_pipeline_fleet_status(bg_releaser *r, bg_status *out);

/* pipeline.c, for the steps kept in files of their own: a step recorded
 * before it runs; a failed one recorded and ended (-1); a new service that
 * will not take traffic, stopped. */
int bg_pipeline_enter_step(bg_pipeline *p, const char *step, bg_error *err);
int bg_pipeline_fail_step(bg_pipeline *p, bg_error *err);
void bg_pipeline_undo_start(bg_pipeline *p, int port);

/* pipeline_watch.c: with the `watch` option, whether nginx's config writes
 * the access log it reads in the bluegreen format (BG_ERR_CONFIG saying what
 * is missing); checked before each deploy. */
int bg_pipeline_watch_ready(bg_pipeline *p, bg_error *err);

/* Before the switch of a deploy (`verb`; a rollback or heal is not
 * watched): the watch's start and the access log's offset, into the deploy
 * record that the switch step writes. */
void bg_pipeline_watch_mark(bg_pipeline *p, const char *verb);

/* After the switch from `from` to `to`: the new release on trial for
 * watch.seconds, the old one running. 0 when it passed (or nothing is
 * watched); -1 when it failed: nginx switched back, the new service
 * stopped, the commit recorded failed at step "watch" (err says why). */
int bg_pipeline_watch(bg_pipeline *p, int from, int to, bg_error *err);

/* Before the switch of a deploy, with the `canary` option: nginx's upstream
 * holds the new release on `to` with canary.weight beside the old one on
 * `from` for canary.seconds, judged as the watch judges (its thresholds and
 * log). 0 when it passed (the switch then ends the canary: the new release
 * alone) or nothing was asked; -1 when it failed: nginx back to `from`
 * alone, the new service stopped, the commit recorded failed at "canary". */
int bg_pipeline_canary(bg_pipeline *p, const char *verb, int from, int to, bg_error *err);

/* The switch that ends a passed canary failed, and put the canary's config
 * back: nginx goes back to `from` alone before the new service on `to` is
 * stopped (and when it cannot, the new service is kept: switch_unsure). */
void bg_pipeline_canary_abandon(bg_pipeline *p, int from, int to);

/* pipeline_recover.c, a deploy interrupted at step "watch": the watch is
 * finished from the state file. 1 when the release failed it and nginx was
 * switched back to the old port (recorded failed), else 0. */
int bg_pipeline_watch_recover(bg_pipeline *p);

#endif
