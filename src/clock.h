/* bluegreen core: time for durations, deadlines and back-off. */
#ifndef BG_CLOCK_H
#define BG_CLOCK_H

/* Monotonic milliseconds. */
double bg_now_ms(void);

/* Sleeps ms milliseconds (nothing for ms <= 0). */
void bg_sleep_ms(double ms);

#endif
