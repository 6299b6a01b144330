/* bluegreen core: the release pipeline — the seed's loop (check, clone,
 * build, start on the idle port, switch nginx, stop the old service), done so
 * that a push goes live with no failed request, and a release that fails any
 * step never takes traffic while the live one keeps serving.
 *
 * One deploy at a time per releases_dir (src/lock.h); every step is written
 * to the state file before it runs (src/state.h), so that a releaser killed
 * at any step is reconciled by the next one (pipeline_recover.c). */
#ifndef BG_PIPELINE_H
#define BG_PIPELINE_H

#include "base/error.h"
#include "pipeline/releaser.h"
#include "layout/release.h"
#include "service/service.h"
#include "layout/state.h"

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
} bg_status;

int bg_releaser_status(bg_releaser *r, bg_status *out, bg_error *err);
void bg_status_free(bg_status *st);

/* run(): tick() every `interval` seconds until SIGTERM or SIGINT, which end
 * the wait at once and the loop cleanly. */
int bg_releaser_run(bg_releaser *r, int interval, bg_error *err);

#endif
