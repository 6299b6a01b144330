/* bluegreen core: one releaser — its options, where it logs, and what it
 * remembers from one call to the next. The Releaser PHP object owns one. */
#ifndef BG_RELEASER_H
#define BG_RELEASER_H

#include "error.h"
#include "lock.h"
#include "log.h"
#include "nginx.h"
#include "options.h"
#include "release.h"

typedef struct {
	bg_options opt;
	bg_logger log;
	bg_switch last_switch;   /* the nginx workers still serving the port
	                          * switched away from: stop() waits for them */
	bg_lock handed_off;      /* self-hosted: after handing over to the next
	                          * generation, the lock is kept until this
	                          * process dies, so that exactly one acts */
} bg_releaser;

void bg_releaser_init(bg_releaser *r);
void bg_releaser_free(bg_releaser *r);

/* switchTo(): the nginx switch, remembering the old workers. */
int bg_releaser_switch(bg_releaser *r, int port, bg_error *err);

/* Waits, bounded by drain_timeout, for the nginx workers of the last switch
 * away from `port` to exit: until then they may still send it requests. */
void bg_releaser_wait_old_workers(bg_releaser *r, int port);

/* stop(): waits for the old nginx workers of a switch away from `port`
 * (bounded by drain_timeout), then drains and stops the port. */
int bg_releaser_stop(bg_releaser *r, int port, bg_error *err);

#endif
