/*
 * Capped exponential backoff with jitter, bounded in attempts and total time.
 */
#ifndef DNS01_BACKOFF_H
#define DNS01_BACKOFF_H

struct backoff {
	int attempt;		/* attempts made so far */
	int max_attempts;
	double base_delay;	/* seconds before the second attempt, before jitter */
	double max_delay;	/* cap on one pause */
	double deadline;	/* clock_now() value after which no attempt starts */
	double (*random01)(void); /* uniform in [0, 1); NULL uses OpenSSL's generator */
};

/* Starts a schedule; total bounds the time from now until the last attempt starts. */
void backoff_init(struct backoff *b, int max_attempts, double base_delay, double max_delay, double total);

/*
 * Counts one failed attempt and returns the pause before the next, or -1 when
 * the attempts or the time are used up. The pause is drawn from
 * [d/2, d] with d = min(max_delay, base_delay * 2^(attempt-1)). A server's
 * retry_after (seconds, or a negative value when absent) replaces it when
 * larger, and -1 is returned when honouring it would pass the deadline.
 */
double backoff_next(struct backoff *b, double retry_after);

#endif
