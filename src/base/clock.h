/* bluegreen core: time for durations, deadlines and back-off, and the one
 * question every wait asks: has a stop been requested? */
#ifndef BG_CLOCK_H
#define BG_CLOCK_H

/* Monotonic milliseconds. */
double bg_now_ms(void);

/* The wall clock: milliseconds since the epoch (a time others read). */
long long bg_epoch_ms(void);

/* Sleeps ms milliseconds (nothing for ms <= 0). */
void bg_sleep_ms(double ms);

/* SIGTERM or SIGINT is pending while blocked: run() blocks them between
 * ticks, and a Swoole process blocks SIGTERM for its signalfd, so a stop
 * the operator asked for waits there. Returns the signal, or 0. The signal
 * is not consumed: whoever blocked it still gets it. */
int bg_stop_requested(void);

/* Sleeps ms milliseconds, in slices short enough to notice a stop request
 * within 50 ms; returns bg_stop_requested(). */
int bg_sleep_unless_stopped(double ms);

/* "SIGTERM" or "SIGINT". */
const char *bg_stop_name(int sig);

#endif
