#include "backoff.h"

#include <openssl/rand.h>
#include <stdint.h>

#include "clock.h"

static double
openssl_random01(void)
{
	uint32_t r = 0;

	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		return 0.5;
	return (double)r / 4294967296.0;
}

void
backoff_init(struct backoff *b, int max_attempts, double base_delay, double max_delay, double total)
{
	b->attempt = 0;
	b->max_attempts = max_attempts;
	b->base_delay = base_delay;
	b->max_delay = max_delay;
	b->deadline = clock_now() + total;
	b->random01 = NULL;
}

double
backoff_next(struct backoff *b, double retry_after)
{
	double (*random01)(void) = b->random01 != NULL ? b->random01 : openssl_random01;
	double delay = b->base_delay;
	int i;

	b->attempt++;
	if (b->attempt >= b->max_attempts)
		return -1;
	for (i = 1; i < b->attempt && delay < b->max_delay; i++)
		delay *= 2;
	if (delay > b->max_delay)
		delay = b->max_delay;
	delay = delay / 2 + random01() * delay / 2;
	if (retry_after > delay)
		delay = retry_after;
	if (clock_now() + delay > b->deadline)
		return -1;
	return delay;
}
