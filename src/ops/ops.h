/* bluegreen core: what operators read after the fact. The pipeline reports
 * each event once, through bg_ops_record(); the deploy history
 * (history.c: the history file (layout.h)) and the Prometheus
 * metrics file (metrics.c: the metrics_file option) hang off that one call.
 * Neither ever fails a deploy: a file that cannot be written is a warning. */
#ifndef BG_OPS_H
#define BG_OPS_H

#include "base/error.h"
#include "base/log.h"
#include "base/options.h"
#include "layout/state.h"

#include <stddef.h>

/* The results of a deploy, rollback or heal, as history and metrics name
 * them. */
#define BG_OPS_LIVE "live"          /* it went live */
#define BG_OPS_FAILED "failed"      /* a step failed: the release was refused */
#define BG_OPS_RETRY "retry"        /* the environment failed it: tried again later */
#define BG_OPS_STOPPED "stopped"    /* cut short by SIGTERM/SIGINT */
#define BG_OPS_REFUSED "refused"    /* never began: the lock held, nothing to roll back to, ... */

/* The results of a check. */
#define BG_OPS_CHECK_UNCHANGED "unchanged"
#define BG_OPS_CHECK_CHANGED "changed"
#define BG_OPS_CHECK_FAILED "failed"

/* The steps a deploy can time: check, prepare, start, switch, drain, stop, prune. */
#define BG_OPS_MAX_STEPS 8

typedef struct {
	char name[16];
	double ms;
} bg_ops_step;

typedef enum {
	BG_OPS_CHECK,    /* check(): result is one of BG_OPS_CHECK_* */
	BG_OPS_DEPLOY    /* a deploy, rollback or heal ended: result one of BG_OPS_LIVE ... */
} bg_ops_kind;

typedef struct {
	bg_ops_kind kind;
	const char *action;      /* "deploy", "rollback", "heal" (BG_OPS_DEPLOY) */
	const char *trigger;     /* "tick", "deploy", "rollback", "cli", ... */
	const char *result;
	const char *commit;      /* full sha, or NULL */
	const char *release;     /* the release directory, or NULL */
	int port;                /* where it went live, or was to */
	int from_port;           /* the port live before, 0 if unknown */
	const char *step;        /* the step that failed, NULL when it went live */
	const char *error;       /* why (already masked by its maker), NULL when it went live */
	long long at;            /* when it began, epoch seconds */
	double duration_ms;
	bg_ops_step steps[BG_OPS_MAX_STEPS];
	size_t n_steps;
} bg_ops_event;

/* Appends a step's duration to ev (dropped beyond BG_OPS_MAX_STEPS). */
void bg_ops_add_step(bg_ops_event *ev, const char *name, double ms);

/* One event: a deploy's line appended to the history, the counters updated
 * and the metrics file rewritten (when metrics_file is set). st is the state
 * after the event (what is live), or NULL when it could not be read. */
void bg_ops_record(const bg_options *opt, const bg_logger *log, const bg_state *st, const bg_ops_event *ev);

/* history.c: the history file is rotated to history.jsonl.1 (replacing it)
 * when a line would take it past this size; the two files hold the last
 * 1 to 2 MiB of history, some thousands of deploys. */
#define BG_HISTORY_MAX_BYTES (1024 * 1024)

/* Appends ev as one JSON line, in one write(2) on an O_APPEND descriptor, so
 * that concurrent writers never interleave a line. */
int bg_history_append(const bg_options *opt, const bg_ops_event *ev, bg_error *err);

/* The last `limit` lines of the history (its rotated file too when needed),
 * oldest first, each a JSON object as written (malloc'd; bg_history_free).
 * No history yet is no error (*n 0). */
int bg_history_read(const bg_options *opt, size_t limit, char ***lines, size_t *n, bg_error *err);
void bg_history_free(char **lines, size_t n);

/* metrics.c: updates the counters (the counters file (layout.h))
 * and rewrites metrics_file from them and st. */
int bg_metrics_update(const bg_options *opt, const bg_state *st, const bg_ops_event *ev, bg_error *err);

#endif
