/* run(): the seed's `while (true)` loop for a standalone process (the seed
 * itself advises running the job outside the service): a tick, then a wait
 * that SIGTERM or SIGINT ends at once. */
#include "pipeline/releaser.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

/* Waits up to `seconds` for SIGTERM or SIGINT (blocked, so that they wait
 * for us); the signal, or 0. */
static int wait_for_stop(const sigset_t *stop, int seconds)
{
	struct timespec ts = { seconds, 0 };
	siginfo_t info;
	int sig;

	do {
		sig = sigtimedwait(stop, &info, &ts);
	} while (sig < 0 && errno == EINTR);
	return sig > 0 ? sig : 0;
}

int bg_releaser_run(bg_releaser *r, int interval, bg_error *err)
{
	sigset_t stop, old;
	int sig = 0;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	if (sigprocmask(SIG_BLOCK, &stop, &old) < 0) {
		return bg_error_sys(err, BG_ERR_SYSTEM, "run: cannot block SIGTERM and SIGINT");
	}
	bg_log(&r->log, BG_LOG_INFO, "run: checking %s of %s every %d s until SIGTERM or SIGINT",
		r->opt.branch, r->opt.remote, interval);
	while (!sig) {
		bg_release rel;
		int deployed = 0;

		bg_releaser_tick(r, &rel, &deployed);
		bg_release_free(&rel);
		if (r->handed_off.done) {
			bg_log(&r->log, BG_LOG_INFO, "run: handed over to the next generation; stopping");
			break;
		}
		sig = wait_for_stop(&stop, interval);
	}
	if (sig) {
		bg_log(&r->log, BG_LOG_INFO, "run: %s received; stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}
