/* The one call the pipeline makes per event; history and metrics hang off it. */
#include "ops/ops.h"

#include <stdio.h>

void bg_ops_add_step(bg_ops_event *ev, const char *name, double ms)
{
	bg_ops_step *s;

	if (ev->n_steps >= BG_OPS_MAX_STEPS || !name || !*name) {
		return;
	}
	s = &ev->steps[ev->n_steps++];
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->ms = ms;
}

void bg_ops_record(const bg_options *opt, const bg_logger *log, const bg_state *st, const bg_ops_event *ev)
{
	bg_error e;

	/* A check is counted, not written down: there is one every tick. */
	if (ev->kind == BG_OPS_DEPLOY && bg_history_append(opt, ev, &e) < 0) {
		bg_log(log, BG_LOG_WARNING, "history: %s", e.msg);
	}
	if (opt->metrics_file && bg_metrics_update(opt, st, ev, &e) < 0) {
		bg_log(log, BG_LOG_WARNING, "metrics: %s", e.msg);
	}
}
