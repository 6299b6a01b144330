/* bluegreen core: one releaser — its options, where it logs, and what it
 * remembers from one call to the next. The Releaser PHP object owns one. */
#ifndef BG_RELEASER_H
#define BG_RELEASER_H

#include "error.h"
#include "log.h"
#include "nginx.h"
#include "options.h"
#include "release.h"

typedef struct {
	bg_options opt;
	bg_logger log;
	bg_switch last_switch;   /* the nginx workers still serving the port
	                          * switched away from: stop() waits for them */
} bg_releaser;

void bg_releaser_init(bg_releaser *r);
void bg_releaser_free(bg_releaser *r);

/* switchTo(): the nginx switch, remembering the old workers. */
int bg_releaser_switch(bg_releaser *r, int port, bg_error *err);

/* stop(): waits for the old nginx workers of a switch away from `port`
 * (bounded by drain_timeout), then drains and stops the port. */
int bg_releaser_stop(bg_releaser *r, int port, bg_error *err);

#endif
