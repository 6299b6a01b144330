/* bluegreen core: what the pipeline's files share (the pipeline folder only;
 * the glue enters by releaser.h). */
#ifndef BG_PIPELINE_H
#define BG_PIPELINE_H

#include "layout/lock.h"
#include "pipeline/releaser.h"
#include "layout/state.h"

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
} bg_pipeline;

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
