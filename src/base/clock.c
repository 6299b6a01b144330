#include "base/clock.h"

#include <signal.h>
#include <time.h>

/* The longest a wait sleeps without asking bg_stop_requested(). */
#define BG_STOP_SLICE_MS 50

double bg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

long long bg_epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void bg_sleep_ms(double ms)
{
	struct timespec ts;

	if (ms <= 0) {
		return;
	}
	ts.tv_sec = (time_t) (ms / 1000);
	ts.tv_nsec = (long) ((ms - (double) ts.tv_sec * 1000.0) * 1e6);
	nanosleep(&ts, NULL);
}

int bg_stop_requested(void)
{
	sigset_t pending, blocked;

	if (sigpending(&pending) < 0 || sigprocmask(SIG_BLOCK, NULL, &blocked) < 0) {
		return 0;
	}
	if (sigismember(&pending, SIGTERM) == 1 && sigismember(&blocked, SIGTERM) == 1) {
		return SIGTERM;
	}
	if (sigismember(&pending, SIGINT) == 1 && sigismember(&blocked, SIGINT) == 1) {
		return SIGINT;
	}
	return 0;
}

int bg_sleep_unless_stopped(double ms)
{
	double deadline = bg_now_ms() + ms;
	int sig;

	while (!(sig = bg_stop_requested())) {
		double left = deadline - bg_now_ms();

		if (left <= 0) {
			return 0;
		}
		bg_sleep_ms(left < BG_STOP_SLICE_MS ? left : BG_STOP_SLICE_MS);
	}
	return sig;
}

const char *bg_stop_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : "SIGTERM";
}
