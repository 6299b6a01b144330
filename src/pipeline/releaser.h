/* bluegreen core: one releaser — its options, where it logs, and what it
 * remembers from one call to the next. The Releaser PHP object owns one. */
#ifndef BG_RELEASER_H
#define BG_RELEASER_H

#include "base/error.h"
#include "layout/lock.h"
#include "base/log.h"
#include "nginx/nginx.h"
#include "base/options.h"
#include "sys/proc.h"
#include "layout/release.h"

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
} bg_releaser;

void bg_releaser_init(bg_releaser *r);
void bg_releaser_free(bg_releaser *r);

/* check(): whether the branch head differs from the live commit — the
 * state's live release, root's HEAD only before any deploy — as deploy()
 * decides it. Reads the state without the lock; records nothing. */
int bg_releaser_check(bg_releaser *r, char sha[41], int *changed, bg_error *err);

/* switchTo(): the nginx switch, remembering the old workers. */
int bg_releaser_switch(bg_releaser *r, int port, bg_error *err);

/* Waits, bounded by drain_timeout, for the nginx workers of the last switch
 * away from `port` to exit: until then they may still send it requests. */
void bg_releaser_wait_old_workers(bg_releaser *r, int port);

/* The same, until deadline_ms (bg_now_ms() time): the first part of a drain
 * that has one deadline for the workers and the connections together. */
void bg_releaser_wait_old_workers_until(bg_releaser *r, int port, double deadline_ms);

/* stop(): waits for the old nginx workers of a switch away from `port`
 * (bounded by drain_timeout), then drains and stops the port. */
int bg_releaser_stop(bg_releaser *r, int port, bg_error *err);

#endif
