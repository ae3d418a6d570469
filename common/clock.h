/* Monotonic time and sleeping, in seconds as doubles. */
#ifndef DNS01_CLOCK_H
#define DNS01_CLOCK_H

/* Returns seconds on the monotonic clock, which wall-clock changes do not move. */
double clock_now(void);

/* Sleeps for seconds (0 or less returns at once); a signal ends it early only when interrupt_pending() is set. */
void clock_sleep(double seconds);

#endif
