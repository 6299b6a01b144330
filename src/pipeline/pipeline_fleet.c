/* A fleet member's tick: the same deploy, with the fleet's three gates —
 * the commit's rollout joined (not halted), a slot held while switching,
 * the result written under the slot's fencing token — and a halt spread
 * through the failed-commit record, so that no member tries a commit the
 * fleet halted on. When the store does not answer, nothing switches and
 * the live release keeps serving. */
#include "pipeline/pipeline.h"
#include "base/fs.h"
#include "base/url.h"
#include "layout/release.h"

#include <stdio.h>
#include <string.h>

/* A record of the tick (fleet.h: on the heap, not the stack), once
 * have_records() made them. */
static bg_rollout *rec(bg_pipeline *p, int which)
{
	return bg_fleet_record(&p->r->fleet, which);
}

/* At the start of each entry below: the records made (once per releaser). */
static int have_records(bg_pipeline *p, bg_error *err)
{
	return rec(p, BG_FLEET_REC_TICK) ? 0 : bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
}

/* The store failed this tick: logged at error level (its credentials
 * masked), nothing switched. */
static int store_down(bg_pipeline *p, const char *commit, bg_error *err)
{
	bg_url_mask_error(err);
	bg_log(&p->r->log, BG_LOG_ERROR, "fleet: %s; %.*s is not switched to this tick, the live release keeps serving",
		err->msg, BG_SHORT_SHA_LEN, commit);
	err->logged = 1;
	return -1;
}

/* This member's heartbeat: its live commit and what this tick does. A
 * store that does not answer is logged by the step that needs it. */
static void heartbeat(bg_pipeline *p, const char *live, const char *state)
{
	bg_error e;

	if (bg_fleet_heartbeat(&p->r->fleet, &p->r->opt.fleet, live, state, &e) < 0) {
		bg_url_mask_error(&e);
		bg_log(&p->r->log, BG_LOG_DEBUG, "fleet: heartbeat not written: %s", e.msg);
	}
}

/* A member waits (for a slot, the canaries, an operator's resume; or, its
 * result not recorded, for a slot to record it) over many ticks: what it
 * waits for is logged at info level when it changes, at debug level at the
 * ticks between. */
static void log_wait(bg_pipeline *p, const char *line)
{
	bg_fleet *f = &p->r->fleet;

	bg_log(&p->r->log, strncmp(line, f->waiting, sizeof(f->waiting) - 1) != 0 ? BG_LOG_INFO : BG_LOG_DEBUG, "%s",
		line);
	snprintf(f->waiting, sizeof(f->waiting), "%s", line);
}

/* Waiting to switch to commit, prepared. */
static void waits(bg_pipeline *p, const char *commit, const char *why)
{
	char line[512];

	snprintf(line, sizeof(line), "fleet: %.*s is prepared here; %s", BG_SHORT_SHA_LEN, commit, why);
	log_wait(p, line);
}

static void give_up_slot(bg_pipeline *p)
{
	bg_error e;

	if (bg_fleet_release(&p->r->fleet, &p->r->opt.fleet, &e) < 0) {
		bg_url_mask_error(&e);
		bg_log(&p->r->log, BG_LOG_WARNING, "fleet: cannot give the slot up (its lease frees it): %s", e.msg);
	}
}

static void forget_prepared(bg_releaser *r)
{
	bg_release_free(&r->fleet_prepared);
	bg_release_init(&r->fleet_prepared);
}

/* The rollout halted: the commit is marked failed here, so that tick()
 * leaves it alone until the branch moves. */
static int halted(bg_pipeline *p, const char *commit, const bg_rollout *ro)
{
	const bg_fleet_host *h = bg_fleet_host_of(ro, ro->halted_by);
	char why[BG_ERROR_MSG_MAX];

	snprintf(why, sizeof(why), "the fleet's rollout of %.*s halted: %s failed%s%s", BG_SHORT_SHA_LEN, commit,
		ro->halted_by[0] ? ro->halted_by : "a member", h && h->error[0] ? ": " : "", h ? h->error : "");
	bg_log(&p->r->log, BG_LOG_WARNING, "fleet: %s; this member does not switch to it", why);
	bg_state_fail(&p->st, commit, "fleet", why);
	bg_pipeline_forget_deploy(p);
	forget_prepared(p->r);
	return 0;
}

/* The release of commit: the one prepared at an earlier tick when it is
 * still there, else prepared now. */
static int ready(bg_pipeline *p, const char *commit, bg_error *err)
{
	bg_releaser *r = p->r;

	if (r->fleet_prepared.path && strcmp(r->fleet_prepared.commit, commit) == 0
		&& bg_path_exists(r->fleet_prepared.path)) {
		if (bg_pipeline_reuse_prepared(p, &r->fleet_prepared) < 0) {
			return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
		}
		return 0;
	}
	forget_prepared(r);
	if (bg_pipeline_prepare_step(p, commit, err) < 0) {
		return -1;
	}
	if (bg_release_copy(&r->fleet_prepared, &p->next) < 0) {
		return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
	}
	return 0;
}

/* A failed deploy of commit: when the commit is to blame (not the
 * environment: pipeline_retry.c), the fleet's rollout halts. */
static void report_failure(bg_pipeline *p, const char *commit, const bg_error *failure)
{
	bg_releaser *r = p->r;
	bg_rollout *ro = rec(p, BG_FLEET_REC_STEP);
	bg_error e;

	if (bg_state_failed(&p->st, commit)) {
		if (bg_fleet_report(&r->fleet, &r->opt.fleet, commit, "failed", failure->msg, ro, &e) < 0) {
			bg_url_mask_error(&e);
			bg_log(&r->log, BG_LOG_ERROR, "fleet: cannot record the failure of %.*s, the rollout is not halted: %s",
				BG_SHORT_SHA_LEN, commit, e.msg);
		} else {
			bg_log(&r->log, BG_LOG_ERROR, "fleet: %.*s failed here: the fleet's rollout of it is halted",
				BG_SHORT_SHA_LEN, commit);
		}
	}
	give_up_slot(p);
	forget_prepared(r);
}

/* Holding a slot: the rollout read again (a member may have halted it
 * while this one waited), "switching" written under the token, then the
 * deploy's start, switch, drain and stop. */
static int switch_holding_slot(bg_pipeline *p, const char *commit, bg_error *err)
{
	bg_releaser *r = p->r;
	const bg_fleet_options *o = &r->opt.fleet;
	bg_rollout *ro = rec(p, BG_FLEET_REC_STEP);
	bg_error e;

	r->fleet.waiting[0] = '\0';   /* a wait after this one is logged again */
	bg_log(&r->log, BG_LOG_INFO, "fleet: %s holds slot %d (token %lld) for %.*s", o->host, r->fleet.slot.index,
		r->fleet.slot.token, BG_SHORT_SHA_LEN, commit);
	if (bg_fleet_join(&r->fleet, o, commit, ro, err) < 0
		|| (strcmp(ro->state, "halted") != 0 && bg_fleet_report(&r->fleet, o, commit, "switching", NULL, ro, err) < 0)) {
		bg_pipeline_forget_deploy(p);
		give_up_slot(p);
		return store_down(p, commit, err);
	}
	if (strcmp(ro->state, "halted") == 0) {
		give_up_slot(p);
		return halted(p, commit, ro);
	}
	if (bg_pipeline_go_live(p, "deploy", err) < 0) {
		report_failure(p, commit, err);
		return -1;
	}
	if (bg_fleet_report(&r->fleet, o, commit, "done", NULL, ro, &e) < 0) {
		bg_url_mask_error(&e);
		bg_log(&r->log, BG_LOG_ERROR, "fleet: %.*s is live here, but its result is not recorded: %s",
			BG_SHORT_SHA_LEN, commit, e.msg);
	} else {
		bg_log(&r->log, BG_LOG_INFO, "fleet: %.*s done here; the rollout is %s", BG_SHORT_SHA_LEN, commit, ro->state);
	}
	give_up_slot(p);
	forget_prepared(r);
	heartbeat(p, commit, "switched");
	return 1;
}

int bg_pipeline_fleet_deploy(bg_pipeline *p, const char *commit, bg_error *err)
{
	bg_releaser *r = p->r;
	const bg_fleet_options *o = &r->opt.fleet;
	bg_rollout *ro = rec(p, BG_FLEET_REC_TICK);
	char why[160];
	int got, may, paused;

	if (!ro) {
		return have_records(p, err);
	}
	if (bg_fleet_join(&r->fleet, o, commit, ro, err) < 0) {
		return store_down(p, commit, err);
	}
	heartbeat(p, p->live.commit, "deploying");
	if (strcmp(ro->state, "halted") == 0) {
		return halted(p, commit, ro);
	}
	if (ready(p, commit, err) < 0) {
		report_failure(p, commit, err);
		return -1;
	}
	if (bg_fleet_may_switch(&r->fleet, o, commit, &may, why, sizeof(why), err) < 0) {
		bg_pipeline_forget_deploy(p);
		return store_down(p, commit, err);
	}
	if (!may) {
		waits(p, commit, why);
		bg_pipeline_forget_deploy(p);
		return 0;
	}
	if (bg_fleet_take_slot(&r->fleet, o, &got, &paused, err) < 0) {
		bg_pipeline_forget_deploy(p);
		return store_down(p, commit, err);
	}
	if (paused) {
		waits(p, commit, BG_FLEET_PAUSED);
		bg_pipeline_forget_deploy(p);
		return 0;
	}
	if (!got) {
		/* Prepared and kept: the next tick tries again. */
		snprintf(why, sizeof(why), "all %ld slot(s) are held, the switch waits for a later tick", o->parallel);
		waits(p, commit, why);
		bg_pipeline_forget_deploy(p);
		return 0;
	}
	return switch_holding_slot(p, commit, err);
}

/* This member is on the rollout's commit: its result `done`, still
 * `switching` (it switched, its result not written), or `stayed`. */
static int on_it(const bg_fleet_options *o, const bg_rollout *ro)
{
	const bg_fleet_host *h = bg_fleet_host_of(ro, o->host);

	return h && (strcmp(h->state, "done") == 0 || strcmp(h->state, "switching") == 0
		|| strcmp(h->state, "stayed") == 0);
}

/* fleet.on_halt 'stay': the member keeps the halted commit; its result
 * becomes `stayed` (once), so that the rollout says who runs it. */
static void stay(bg_pipeline *p, const char *live, const bg_rollout *ro)
{
	bg_releaser *r = p->r;
	const bg_fleet_host *h = bg_fleet_host_of(ro, r->opt.fleet.host);
	bg_rollout *now = rec(p, BG_FLEET_REC_STEP);
	bg_error e;

	if (strcmp(h->state, "stayed") == 0) {
		return;
	}
	bg_log(&r->log, BG_LOG_WARNING, "fleet: the fleet's rollout of %.*s was halted by %s; fleet.on_halt 'stay': "
		"this member stays on it", BG_SHORT_SHA_LEN, live, ro->halted_by[0] ? ro->halted_by : "a member");
	if (bg_fleet_report(&r->fleet, &r->opt.fleet, live, "stayed", NULL, now, &e) < 0) {
		bg_url_mask_error(&e);
		bg_log(&r->log, BG_LOG_ERROR, "fleet: stays on %.*s, but that is not recorded in its rollout: %s",
			BG_SHORT_SHA_LEN, live, e.msg);
	}
}

/* This member is live on the commit of a rollout under way that still has
 * it `switching`: its `done` was not written (fenced out: it lost its slot
 * while switching; or the store did not answer then). */
static int unrecorded(const bg_fleet_options *o, const bg_rollout *ro)
{
	const bg_fleet_host *h = bg_fleet_host_of(ro, o->host);

	return h && strcmp(h->state, "switching") == 0
		&& (strcmp(ro->state, "rolling") == 0 || strcmp(ro->state, "canary") == 0);
}

/* When the deploy of live ended here (state.json keeps it): a result
 * recorded late says when the switch ended, not when it was recorded. 0
 * (now) when not known. */
static long long live_done_ms(const bg_pipeline *p, const char *live)
{
	const bg_state_release *l = &p->st.live;

	return l->set && strcmp(l->rel.commit, live) == 0 ? l->done_ms : 0;
}

/* It takes a slot again, in turn as for a switch (and not while the fleet
 * is paused), and writes `done` under that new grant, so that the rollout
 * can end. */
static void record_again(bg_pipeline *p, const char *live)
{
	bg_releaser *r = p->r;
	const bg_fleet_options *o = &r->opt.fleet;
	bg_rollout *ro = rec(p, BG_FLEET_REC_STEP);
	bg_error e;
	int got, paused;

	if (bg_fleet_take_slot(&r->fleet, o, &got, &paused, &e) < 0) {
		bg_url_mask_error(&e);
		bg_log(&r->log, BG_LOG_ERROR, "fleet: %.*s is live here, its result still not recorded: %s",
			BG_SHORT_SHA_LEN, live, e.msg);
		return;
	}
	if (!got) {
		char line[512];

		snprintf(line, sizeof(line), "fleet: %.*s is live here, its result not recorded; %s", BG_SHORT_SHA_LEN,
			live, paused ? BG_FLEET_PAUSED : "it waits for a slot to record it");
		log_wait(p, line);
		return;
	}
	r->fleet.waiting[0] = '\0';   /* the wait ended: a later one is logged again */
	if (bg_fleet_report_late(&r->fleet, o, live, live_done_ms(p, live), ro, &e) < 0) {
		bg_url_mask_error(&e);
		bg_log(&r->log, BG_LOG_ERROR, "fleet: %.*s is live here, its result still not recorded: %s",
			BG_SHORT_SHA_LEN, live, e.msg);
	} else {
		bg_log(&r->log, BG_LOG_INFO, "fleet: %.*s is live here, its result recorded again under slot token %lld; "
			"the rollout is %s", BG_SHORT_SHA_LEN, live, r->fleet.slot.token, ro->state);
	}
	give_up_slot(p);
}

/* This member is live on the commit of a rollout that does not list it:
 * the store lost the record (a Redis restarted without persistence) while
 * it switched, and another member made it again without it. It adds its
 * result back, `done` (no slot: there is no result of its own to fence),
 * so that the record says who runs the commit, and a halt of it rolls
 * this member back too. */
static void add_again(bg_pipeline *p, const char *live, bg_rollout *ro)
{
	bg_releaser *r = p->r;
	bg_error e;

	if (bg_fleet_report_late(&r->fleet, &r->opt.fleet, live, live_done_ms(p, live), ro, &e) < 0) {
		bg_url_mask_error(&e);
		bg_log(&r->log, BG_LOG_ERROR, "fleet: %.*s is live here, but its rollout does not list this member and "
			"it cannot add itself: %s", BG_SHORT_SHA_LEN, live, e.msg);
		return;
	}
	bg_log(&r->log, BG_LOG_INFO, "fleet: %.*s is live here; its rollout (made again: the store had lost it) did "
		"not list this member: added back as done; the rollout is %s", BG_SHORT_SHA_LEN, live, ro->state);
}

/* The branch head's rollout under way still lists this member `switching`,
 * while the head is marked failed here (not by the fleet): its deploy
 * failed where no fleet step saw it — its releaser was killed in the
 * watch, and the next one finished the watch and switched back. The
 * failure is written now, which halts the rollout (a canary's watch
 * verdict is then the others' too). */
static int report_late_failure(bg_pipeline *p, const char *live, bg_error *err)
{
	bg_releaser *r = p->r;
	const char *head = p->st.checked_head;
	const bg_state_failure *failed;
	const bg_fleet_host *h;
	char why[BG_ERROR_MSG_MAX];
	bg_rollout *ro = rec(p, BG_FLEET_REC_STEP);
	int exists;

	if (strlen(head) != 40 || strcmp(head, live) == 0 || !(failed = bg_state_failed(&p->st, head))
		|| strcmp(failed->step, "fleet") == 0) {
		return 0;
	}
	if (bg_fleet_read(&r->fleet, &r->opt.fleet, head, ro, &exists, err) < 0) {
		return -1;
	}
	h = exists ? bg_fleet_host_of(ro, r->opt.fleet.host) : NULL;
	if (!h || strcmp(h->state, "switching") != 0 || strcmp(ro->state, "halted") == 0) {
		return 0;
	}
	snprintf(why, sizeof(why), "failed at %s: %s", failed->step, failed->error ? failed->error : "");
	if (bg_fleet_report(&r->fleet, &r->opt.fleet, head, "failed", why, ro, err) < 0) {
		return -1;
	}
	bg_log(&r->log, BG_LOG_ERROR, "fleet: %.*s failed here (%s): the fleet's rollout of it is halted",
		BG_SHORT_SHA_LEN, head, failed->step);
	return 0;
}

/* Whether the branch head's rollout halted: only then does a member
 * converge to the last done commit (else it follows the head). */
static int head_halted(bg_pipeline *p, const char *live, int *halted_head, bg_error *err)
{
	const char *head = p->st.checked_head;
	bg_rollout *ro = rec(p, BG_FLEET_REC_STEP);
	int exists;

	*halted_head = 0;
	if (strlen(head) != 40 || strcmp(head, live) == 0) {
		return 0;
	}
	if (bg_fleet_read(&p->r->fleet, &p->r->opt.fleet, head, ro, &exists, err) < 0) {
		return -1;
	}
	*halted_head = exists && strcmp(ro->state, "halted") == 0;
	return 0;
}

/* The halted head's rollout says this member converges to sha (once:
 * not again while it already says so), not that it waits for the head. */
static void note_converging(bg_pipeline *p, const char *sha)
{
	bg_releaser *r = p->r;
	const char *head = p->st.checked_head;
	const bg_fleet_host *h;
	bg_rollout *ro = rec(p, BG_FLEET_REC_STEP);
	bg_error e;
	int exists;

	if (bg_fleet_read(&r->fleet, &r->opt.fleet, head, ro, &exists, &e) == 0 && exists
		&& (h = bg_fleet_host_of(ro, r->opt.fleet.host)) && strcmp(h->state, "converging") == 0
		&& strcmp(h->to, sha) == 0) {
		return;
	}
	if (bg_fleet_converging(&r->fleet, &r->opt.fleet, head, sha, ro, &e) < 0) {
		bg_url_mask_error(&e);
		bg_log(&r->log, BG_LOG_WARNING, "fleet: converges to %.*s, but that is not recorded in the rollout of %.*s: %s",
			BG_SHORT_SHA_LEN, sha, BG_SHORT_SHA_LEN, head, e.msg);
	}
}

static int settle(bg_pipeline *p, char sha[41], const char **state, bg_error *err);

int bg_pipeline_fleet_settle(bg_pipeline *p, char sha[41], bg_error *err)
{
	static const char *const states[] = { "idle", "rolling back", "converging" };
	const char *state = NULL;
	int what;

	sha[0] = '\0';
	if (have_records(p, err) < 0) {
		bg_log(&p->r->log, BG_LOG_ERROR, "fleet: %s", err->msg);
		return BG_FLEET_SETTLED;
	}
	what = settle(p, sha, &state, err);
	if (!err->msg[0]) {
		/* not when the store just failed: one timeout a tick */
		heartbeat(p, p->live.commit, state ? state : states[what]);
	}
	return what;
}

static int settle(bg_pipeline *p, char sha[41], const char **state, bg_error *err)
{
	bg_releaser *r = p->r;
	const bg_fleet_options *o = &r->opt.fleet;
	const char *live = p->live.commit;
	char why[BG_ERROR_MSG_MAX];
	bg_rollout *ro = rec(p, BG_FLEET_REC_TICK);
	int exists, halted_head;

	sha[0] = '\0';
	bg_error_clear(err);
	if (strlen(live) != 40) {
		return BG_FLEET_SETTLED;
	}
	if (bg_fleet_read(&r->fleet, o, live, ro, &exists, err) < 0) {
		store_down(p, live, err);
		return BG_FLEET_SETTLED;
	}
	if (exists && strcmp(ro->state, "halted") == 0 && on_it(o, ro) && o->stay_on_halt) {
		*state = "staying";
		stay(p, live, ro);
		return BG_FLEET_SETTLED;
	}
	if (exists && unrecorded(o, ro)) {
		record_again(p, live);
		return BG_FLEET_SETTLED;
	}
	if (exists && !bg_fleet_host_of(ro, o->host)) {
		add_again(p, live, ro);
	}
	if (exists && strcmp(ro->state, "halted") == 0 && on_it(o, ro)) {
		snprintf(why, sizeof(why), "the fleet's rollout of %.*s was halted by %s; fleet.on_halt 'rollback'",
			BG_SHORT_SHA_LEN, live, ro->halted_by[0] ? ro->halted_by : "a member");
		bg_log(&r->log, BG_LOG_WARNING, "fleet: %s: this member rolls back to its previous release", why);
		bg_state_fail(&p->st, live, "fleet", why);
		return BG_FLEET_ROLL_BACK;
	}
	if ((exists && strcmp(ro->state, "halted") == 0) || report_late_failure(p, live, err) < 0
		|| head_halted(p, live, &halted_head, err) < 0
		|| !halted_head || bg_fleet_last_done(&r->fleet, o, sha, err) < 0) {
		if (err->msg[0] && !err->logged) {
			store_down(p, live, err);
		}
		sha[0] = '\0';
		return BG_FLEET_SETTLED;
	}
	if (!sha[0] || strcmp(sha, live) == 0 || bg_state_failed(&p->st, sha)) {
		return BG_FLEET_SETTLED;
	}
	/* A rollout done by the hosts it listed can still halt on a late one. */
	if (bg_fleet_read(&r->fleet, o, sha, ro, &exists, err) < 0 || !exists || strcmp(ro->state, "done") != 0) {
		if (err->msg[0]) {
			store_down(p, live, err);
		}
		return BG_FLEET_SETTLED;
	}
	bg_log(&r->log, BG_LOG_INFO, "fleet: the branch head's rollout halted; this member (on %.*s) converges to "
		"the fleet's last done commit %.*s", BG_SHORT_SHA_LEN, live, BG_SHORT_SHA_LEN, sha);
	note_converging(p, sha);
	return BG_FLEET_CONVERGE;
}

int bg_pipeline_fleet_roll_back(bg_pipeline *p, bg_error *err)
{
	bg_releaser *r = p->r;
	char commit[41];
	bg_rollout *ro = rec(p, BG_FLEET_REC_STEP);
	bg_error e;

	if (have_records(p, err) < 0) {
		return -1;
	}
	memcpy(commit, p->live.commit, sizeof(commit));
	if (bg_pipeline_to_previous(p, "rollback", err) < 0) {
		return -1;
	}
	heartbeat(p, p->next.commit, "rolled back");
	if (bg_fleet_report(&r->fleet, &r->opt.fleet, commit, "rolled_back", NULL, ro, &e) < 0) {
		bg_url_mask_error(&e);
		bg_log(&r->log, BG_LOG_ERROR, "fleet: rolled back from %.*s, but that is not recorded in its rollout: %s",
			BG_SHORT_SHA_LEN, commit, e.msg);
	}
	return 0;
}

void bg_pipeline_fleet_renew(bg_pipeline *p)
{
	bg_releaser *r = p->r;
	bg_error e;
	int held;

	if (!r->opt.fleet.store || r->fleet.slot.index < 0) {
		return;
	}
	/* The keepalive renews between steps too; a step's own renewal is the
	 * check, once per step, that the slot is still this member's. */
	if (bg_fleet_slot_lost(&r->fleet)) {
		held = 0;
	} else if (bg_fleet_renew(&r->fleet, &r->opt.fleet, &held, &e) < 0) {
		bg_url_mask_error(&e);
		bg_log(&r->log, BG_LOG_ERROR, "fleet: cannot renew the slot: %s", e.msg);
		return;
	}
	if (!held) {
		bg_log(&r->log, BG_LOG_ERROR, "fleet: the slot (token %lld) was lost: its lease ran out (fleet.slot_ttl "
			"%g s without a renewal reaching the store); this member's result will not be written",
			r->fleet.slot.token, r->opt.fleet.slot_ttl);
	}
}

void bg_pipeline_fleet_status(bg_releaser *r, bg_status *out)
{
	bg_error e;

	if (!r->opt.fleet.store) {
		return;
	}
	if (bg_fleet_view_read(&r->fleet, &r->opt.fleet, &out->fleet, &e) < 0) {
		bg_url_mask_error(&e);
		bg_fleet_view_free(&out->fleet);
		snprintf(out->fleet_error, sizeof(out->fleet_error), "%s", e.msg);
		return;
	}
	out->fleet_read = 1;
}

int bg_releaser_fleet_control(bg_releaser *r, const char *command, char *done, size_t size, bg_error *err)
{
	const bg_fleet_options *o = &r->opt.fleet;
	char commit[41];
	int rc;

	if (!o->store) {
		return bg_error_set(err, BG_ERR_CONFIG, "fleet %s: this releaser has no fleet option", command);
	}
	if (strcmp(command, "pause") == 0 || strcmp(command, "resume") == 0) {
		rc = bg_fleet_set_paused(&r->fleet, o, command[0] == 'p', err);
		snprintf(done, size, "the fleet %s is %s", o->name, command[0] == 'p' ? "paused: no member takes a new slot"
			: "resumed");
	} else if (strcmp(command, "abort") == 0) {
		rc = bg_fleet_abort(&r->fleet, o, commit, err);
		snprintf(done, size, "the fleet %s's rollout of %.*s is halted by the operator", o->name, BG_SHORT_SHA_LEN,
			commit);
	} else {
		return bg_error_set(err, BG_ERR_CONFIG, "fleet: unknown command \"%s\": pause, resume or abort", command);
	}
	if (rc < 0) {
		bg_url_mask_error(err);
		return -1;
	}
	bg_log(&r->log, BG_LOG_WARNING, "fleet: %s (by an operator)", done);
	return 0;
}
