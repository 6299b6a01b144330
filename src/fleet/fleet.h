/* bluegreen core: a fleet's rollouts, kept in the store (fleet/store.h).
 *
 * One rollout record per commit, "<prefix>/rollout/<sha>", created exactly
 * once by the first member that sees the commit (create-if-absent), then
 * changed only by compare-and-set: the target, `parallel`, the state
 * (rolling, halted, done) and each member's result. "<prefix>/current"
 * names the newest rollout, for status(). A member switches only while it
 * holds one of `parallel` slots ("<prefix>/slot/<i>"); its results are
 * written with the slot's fencing token, so that a holder that lost its
 * slot (paused past its lease) cannot write over the next one's. */
#ifndef BG_FLEET_H
#define BG_FLEET_H

#include "base/error.h"
#include "base/options.h"
#include "fleet/store.h"

#define BG_FLEET_MAX_HOSTS 64

/* A member's failure as the rollout keeps it: room for a step's message
 * with its output's last words, bounded so that a record of many members
 * stays small: 64 of them are 40 KB (a tick's records are on the heap:
 * bg_fleet_record). */
#define BG_FLEET_ERROR_MAX 512

/* A member's part in a rollout. */
typedef struct {
	char name[64];
	char state[16];          /* waiting, switching, done, failed, rolled_back, stayed, converging */
	long long token;         /* the slot grant it switched under; 0 none */
	long long switch_start;  /* epoch ms: slot taken, switch begun */
	long long switch_end;    /* epoch ms: switch ended (its result written, or
	                          * for a result written late, its switch ended) */
	char error[BG_FLEET_ERROR_MAX]; /* why it failed: masked, cut at a whole word */
	char to[41];             /* converging: the last done commit it goes to */
	int canary;              /* one of the rollout's canaries */
} bg_fleet_host;

typedef struct {
	char commit[41];
	long parallel;
	char state[16];          /* canary, rolling, halted, done */
	char halted_by[64];      /* the member whose failure halted it */
	long long created;       /* epoch s */
	long canary;             /* members that switch first */
	long long soak_ms;       /* how long the others wait after them */
	long long soak_until;    /* epoch ms: the others switch from then */
	int n;
	bg_fleet_host hosts[BG_FLEET_MAX_HOSTS];
} bg_rollout;

/* The slot's keepalive: a thread with its own connection that renews the
 * lease every third of slot_ttl while the slot is held, however long a
 * step (a health wait, a drain) takes. */
typedef struct bg_fleet_keepalive bg_fleet_keepalive;

/* The rollout records a tick works on, each 40 KB: on the heap, not on
 * the stack, which in a Swoole coroutine is the coroutine's own (2 MB, the
 * user's code's too). TICK is the tick's own record; STEP one a step within
 * it reads or writes (a result's write, a second rollout); OWN fleet.c's. */
enum { BG_FLEET_REC_TICK, BG_FLEET_REC_STEP, BG_FLEET_REC_OWN, BG_FLEET_RECS };

/* A member's connection to its fleet, kept from one tick to the next. */
typedef struct {
	bg_rollout *recs;        /* BG_FLEET_RECS records, or NULL before the first */
	bg_store *store;
	bg_store_slot slot;      /* the slot held (index -1: none) */
	char prefix[128];        /* "bluegreen/<name>" */
	bg_fleet_keepalive *keepalive; /* while the slot is held */
	int member;              /* listed in "<prefix>/members" */
	char waiting[256];       /* what this member last logged it waits for */
} bg_fleet;

/* Why a member does not switch while an operator paused the fleet. */
#define BG_FLEET_PAUSED "the fleet is paused (bin/bluegreen fleet resume): no member takes a slot"

/* halted_by of a rollout that `bin/bluegreen fleet abort` halted. */
#define BG_FLEET_OPERATOR "operator"

/* A member's last heartbeat (written at each of its ticks). */
typedef struct {
	char name[64];
	char commit[41];         /* its live commit; "" none */
	char state[32];          /* what its tick did: idle, deploying, ... */
	long long heartbeat;     /* epoch ms */
} bg_fleet_member;

void bg_fleet_init(bg_fleet *f);

/* One of the records (BG_FLEET_REC_*), allocated with the first one asked
 * for and kept until bg_fleet_free (no growth over time); NULL when out of
 * memory. Its content is whatever the last user left. */
bg_rollout *bg_fleet_record(bg_fleet *f, int which);
/* Gives up a slot still held (bounded by the store's timeout) and closes. */
void bg_fleet_free(bg_fleet *f, const bg_fleet_options *o);

/* The commit's rollout, created now when absent (as `rolling`), with this
 * member added as `waiting` when it is not listed yet. */
int bg_fleet_join(bg_fleet *f, const bg_fleet_options *o, const char *commit, bg_rollout *out, bg_error *err);

/* Whether this member may take a slot for commit now: while the rollout
 * is `canary`, only the first canary.hosts members to claim it (by
 * compare-and-set); once the canaries are done, only after their soak.
 * When not, `why` says what it waits for. */
int bg_fleet_may_switch(bg_fleet *f, const bg_fleet_options *o, const char *commit, int *may, char *why,
	size_t size, bg_error *err);

/* One try at a slot: *got 1 when held; *paused 1 when refused because the
 * fleet is paused (read in the same atomic step as the grant). */
int bg_fleet_take_slot(bg_fleet *f, const bg_fleet_options *o, int *got, int *paused, bg_error *err);

/* Renews the slot's lease; *held 0 when it was lost. */
int bg_fleet_renew(bg_fleet *f, const bg_fleet_options *o, int *held, bg_error *err);

/* Whether the keepalive found the slot lost (its lease ran out: the store
 * did not answer for slot_ttl, or the process was paused that long). */
int bg_fleet_slot_lost(const bg_fleet *f);

/* Gives the slot up (a failure is only logged by the caller). */
int bg_fleet_release(bg_fleet *f, const bg_fleet_options *o, bg_error *err);

/* Writes this member's result for commit — "switching", "done" or "failed"
 * (with `error`), fenced by the slot held; "rolled_back" or "stayed" (after
 * a halt, no slot held): "failed" halts the rollout, and the last "done"
 * of the listed members ends it. Fails with a message saying so when the
 * slot was lost (fenced out). */
int bg_fleet_report(bg_fleet *f, const bg_fleet_options *o, const char *commit, const char *result,
	const char *error, bg_rollout *out, bg_error *err);

/* "done", written later than the switch ended (the store did not take it
 * then): its switch_end is end_ms, when the switch ended (0: now), so that
 * the record says when this member switched, not when it was recorded. */
int bg_fleet_report_late(bg_fleet *f, const bg_fleet_options *o, const char *commit, long long end_ms,
	bg_rollout *out, bg_error *err);

/* This member's result in the halted rollout of commit becomes
 * "converging" to `to`, the fleet's last done commit (no slot: it does
 * not switch to commit). */
int bg_fleet_converging(bg_fleet *f, const bg_fleet_options *o, const char *commit, const char *to, bg_rollout *out,
	bg_error *err);

/* The rollout of commit as it is (*exists 0 when there is none). */
int bg_fleet_read(bg_fleet *f, const bg_fleet_options *o, const char *commit, bg_rollout *out, int *exists,
	bg_error *err);

/* The commit of the fleet's last rollout to end `done` ("" when none yet):
 * where a member that was away, or joins, converges while the branch head
 * is halted. */
int bg_fleet_last_done(bg_fleet *f, const bg_fleet_options *o, char commit[41], bg_error *err);

/* For status(): the newest rollout (has_rollout 0 when none) and what each
 * slot holds ("<token> <member>", NULL when free). */
typedef struct {
	int has_rollout;
	bg_rollout rollout;
	int paused;
	int n_members;
	bg_fleet_member members[BG_FLEET_MAX_HOSTS];
	int n_slots;
	char **slots;
} bg_fleet_view;

/* The operator's commands, each one atomic store operation: pause (no
 * member takes a new slot) and resume; abort: the newest rollout, while
 * rolling or in its canary, becomes halted by BG_FLEET_OPERATOR (compare-
 * and-set), its commit in `commit`. */
int bg_fleet_set_paused(bg_fleet *f, const bg_fleet_options *o, int paused, bg_error *err);
int bg_fleet_abort(bg_fleet *f, const bg_fleet_options *o, char commit[41], bg_error *err);

/* This member's heartbeat: its live commit, what its tick does, the time;
 * the first one lists it among the fleet's members. */
int bg_fleet_heartbeat(bg_fleet *f, const bg_fleet_options *o, const char *live, const char *state, bg_error *err);

int bg_fleet_view_read(bg_fleet *f, const bg_fleet_options *o, bg_fleet_view *v, bg_error *err);
void bg_fleet_view_free(bg_fleet_view *v);

/* The member's entry in a rollout, or NULL. */
const bg_fleet_host *bg_fleet_host_of(const bg_rollout *ro, const char *name);

#endif
