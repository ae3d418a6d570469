/* Unit tests for common/backoff.c: pause growth, cap, attempt limit, Retry-After and deadline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "backoff.h"
#include "clock.h"

#define EPSILON 1e-6

/* The value that fixed_random01 returns, set by each test. */
static double fixed_random;

static double
fixed_random01(void)
{
	return fixed_random;
}

/* Starts a schedule with a deterministic jitter value and a deadline far in the future. */
static void
start_schedule(struct backoff *b, int max_attempts, double base, double max, double jitter)
{
	backoff_init(b, max_attempts, base, max, 3600);
	fixed_random = jitter;
	b->random01 = fixed_random01;
}

static void
init_sets_fields(void **state)
{
	struct backoff b;
	double before = clock_now();

	(void)state;
	backoff_init(&b, 5, 0.5, 8, 60);
	assert_int_equal(b.attempt, 0);
	assert_int_equal(b.max_attempts, 5);
	assert_float_equal(b.base_delay, 0.5, EPSILON);
	assert_float_equal(b.max_delay, 8, EPSILON);
	assert_true(b.deadline >= before + 60);
	assert_true(b.deadline <= clock_now() + 60);
	assert_null(b.random01);
}

static void
jitter_spans_half_to_full(void **state)
{
	struct backoff b;

	(void)state;
	start_schedule(&b, 10, 2, 100, 0);
	assert_float_equal(backoff_next(&b, -1), 1.0, EPSILON);
	start_schedule(&b, 10, 2, 100, 0.5);
	assert_float_equal(backoff_next(&b, -1), 1.5, EPSILON);
	start_schedule(&b, 10, 2, 100, 0.999);
	assert_float_equal(backoff_next(&b, -1), 1.999, EPSILON);
}

static void
pause_doubles(void **state)
{
	static const double expected[] = { 0.5, 1, 2, 4, 8 };
	struct backoff b;
	size_t i;

	(void)state;
	start_schedule(&b, 10, 1, 100, 0);
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		assert_float_equal(backoff_next(&b, -1), expected[i], EPSILON);
		assert_int_equal(b.attempt, (int)i + 1);
	}
}

static void
pause_capped(void **state)
{
	static const double expected[] = { 0.5, 1, 2, 2, 2, 2 };
	struct backoff b;
	size_t i;

	(void)state;
	start_schedule(&b, 10, 1, 4, 0);
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		assert_float_equal(backoff_next(&b, -1), expected[i], EPSILON);
}

static void
pause_capped_after_many_attempts(void **state)
{
	struct backoff b;
	int i;

	(void)state;
	start_schedule(&b, 2000, 0.1, 5, 0.999);
	for (i = 0; i < 1500; i++)
		backoff_next(&b, -1);
	assert_float_equal(backoff_next(&b, -1), 5 * 0.9995, EPSILON);
}

static void
base_above_cap(void **state)
{
	struct backoff b;

	(void)state;
	start_schedule(&b, 10, 10, 4, 0);
	assert_float_equal(backoff_next(&b, -1), 2, EPSILON);
}

static void
attempt_limit(void **state)
{
	struct backoff b;

	(void)state;
	start_schedule(&b, 3, 1, 100, 0);
	assert_float_equal(backoff_next(&b, -1), 0.5, EPSILON);
	assert_float_equal(backoff_next(&b, -1), 1, EPSILON);
	assert_float_equal(backoff_next(&b, -1), -1, EPSILON);
	assert_float_equal(backoff_next(&b, -1), -1, EPSILON);
}

static void
single_attempt(void **state)
{
	struct backoff b;

	(void)state;
	start_schedule(&b, 1, 1, 100, 0);
	assert_float_equal(backoff_next(&b, -1), -1, EPSILON);
}

static void
retry_after_larger_replaces(void **state)
{
	struct backoff b;

	(void)state;
	start_schedule(&b, 10, 1, 4, 0);
	assert_float_equal(backoff_next(&b, 30), 30, EPSILON);
	assert_float_equal(backoff_next(&b, -1), 1, EPSILON);
}

static void
retry_after_smaller_ignored(void **state)
{
	struct backoff b;

	(void)state;
	start_schedule(&b, 10, 1, 4, 0);
	assert_float_equal(backoff_next(&b, 0.2), 0.5, EPSILON);
	assert_float_equal(backoff_next(&b, 0), 1, EPSILON);
}

static void
retry_after_past_deadline(void **state)
{
	struct backoff b;

	(void)state;
	backoff_init(&b, 10, 1, 4, 20);
	b.random01 = fixed_random01;
	fixed_random = 0;
	assert_float_equal(backoff_next(&b, 60), -1, EPSILON);
}

static void
deadline_passed(void **state)
{
	struct backoff b;

	(void)state;
	start_schedule(&b, 10, 1, 4, 0);
	b.deadline = clock_now() - 1;
	assert_float_equal(backoff_next(&b, -1), -1, EPSILON);
}

static void
pause_past_deadline(void **state)
{
	struct backoff b;

	(void)state;
	backoff_init(&b, 10, 100, 100, 10);
	b.random01 = fixed_random01;
	fixed_random = 0;
	assert_float_equal(backoff_next(&b, -1), -1, EPSILON);
}

static void
default_random_in_range(void **state)
{
	struct backoff b;
	int i;

	(void)state;
	for (i = 0; i < 200; i++) {
		double pause;

		backoff_init(&b, 10, 4, 100, 3600);
		pause = backoff_next(&b, -1);
		assert_true(pause >= 2);
		assert_true(pause <= 4);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_sets_fields),
		cmocka_unit_test(jitter_spans_half_to_full),
		cmocka_unit_test(pause_doubles),
		cmocka_unit_test(pause_capped),
		cmocka_unit_test(pause_capped_after_many_attempts),
		cmocka_unit_test(base_above_cap),
		cmocka_unit_test(attempt_limit),
		cmocka_unit_test(single_attempt),
		cmocka_unit_test(retry_after_larger_replaces),
		cmocka_unit_test(retry_after_smaller_ignored),
		cmocka_unit_test(retry_after_past_deadline),
		cmocka_unit_test(deadline_passed),
		cmocka_unit_test(pause_past_deadline),
		cmocka_unit_test(default_random_in_range),
	};

	return cmocka_run_group_tests_name("backoff", tests, NULL, NULL);
}
