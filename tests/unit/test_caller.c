/* Unit tests for common/caller.c: detecting the ACME client from the operands and running the steps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caller.h"

#define V1 "eZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54"
#define V2 "MPeP-mZLHmq8WH1YyQoRl9X2If-B2jRceEI3LBxU5BU"
#define V_DASH "-ZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54"
#define TOKEN "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA"
#define KEY_AUTH TOKEN ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"
/* base64url(SHA-256(KEY_AUTH)) without padding, computed with Python's hashlib and base64. */
#define KEY_AUTH_TXT "lCM7cZyQXcVHK2nnW3jjAhNT3Fvm18UN-kWZZknKoYM"

/* A fake environment: name=value pairs, NULL-terminated. */
static const char *const *fake_env_vars;

static const char *
fake_env(const char *name)
{
	const char *const *p;
	size_t len = strlen(name);

	for (p = fake_env_vars; p != NULL && *p != NULL; p++)
		if (strncmp(*p, name, len) == 0 && (*p)[len] == '=')
			return *p + len + 1;
	return NULL;
}

/* Parses the NULL-terminated operand list with the fake environment and expects success. */
static void
parse_ok(struct caller_plan *plan, const char *const *env_vars, const char **args)
{
	struct err e = { ST_OK, "" };
	int count = 0;

	fake_env_vars = env_vars;
	while (args[count] != NULL)
		count++;
	assert_int_equal(caller_plan_parse((char *const *)args, count, fake_env, plan, &e), ST_OK);
}

/* Parses and expects ST_USAGE with a message containing part. */
static void
parse_rejected(const char **args, const char *part)
{
	struct caller_plan plan;
	struct err e = { ST_OK, "" };
	int count = 0;

	fake_env_vars = NULL;
	while (args[count] != NULL)
		count++;
	assert_int_equal(caller_plan_parse((char *const *)args, count, fake_env, &plan, &e), ST_USAGE);
	assert_null(plan.steps);
	if (strstr(e.msg, part) == NULL)
		fail_msg("message '%s' does not contain '%s'", e.msg, part);
}

static void
assert_step(const struct caller_plan *plan, size_t i, enum hook_kind kind, const char *domain, const char *value)
{
	assert_true(i < plan->step_count);
	assert_int_equal(plan->steps[i].kind, kind);
	assert_string_equal(plan->steps[i].domain, domain);
	assert_string_equal(plan->steps[i].value, value);
}

static void
certbot_without_operands(void **state)
{
	struct caller_plan plan;
	const char *args[] = { NULL };

	(void)state;
	parse_ok(&plan, NULL, args);
	assert_int_equal(plan.caller, CALLER_CERTBOT);
	assert_int_equal(plan.outcome, CALLER_RUN);
	assert_int_equal(plan.step_count, 0);
	caller_plan_free(&plan);
}

static void
dehydrated_deploy_one(void **state)
{
	struct caller_plan plan;
	const char *args[] = { "deploy_challenge", "example.com", "unused-token", V1, NULL };

	(void)state;
	parse_ok(&plan, NULL, args);
	assert_int_equal(plan.caller, CALLER_DEHYDRATED);
	assert_int_equal(plan.outcome, CALLER_RUN);
	assert_int_equal(plan.step_count, 1);
	assert_step(&plan, 0, HOOK_AUTH, "example.com", V1);
	caller_plan_free(&plan);
}

static void
dehydrated_chain_keeps_order(void **state)
{
	struct caller_plan plan;
	const char *args[] = { "deploy_challenge", "example.com", "t1", V1, "example.com", "t2", V2,
		"WWW.Example.COM", "t3", V_DASH, NULL };

	(void)state;
	parse_ok(&plan, NULL, args);
	assert_int_equal(plan.step_count, 3);
	assert_step(&plan, 0, HOOK_AUTH, "example.com", V1);
	assert_step(&plan, 1, HOOK_AUTH, "example.com", V2);
	assert_step(&plan, 2, HOOK_AUTH, "www.example.com", V_DASH);
	caller_plan_free(&plan);
}

static void
dehydrated_clean_chain(void **state)
{
	struct caller_plan plan;
	const char *args[] = { "clean_challenge", "example.com", "t1", V1, "other.example.net", "t2", V2, NULL };

	(void)state;
	parse_ok(&plan, NULL, args);
	assert_int_equal(plan.step_count, 2);
	assert_step(&plan, 0, HOOK_CLEANUP, "example.com", V1);
	assert_step(&plan, 1, HOOK_CLEANUP, "other.example.net", V2);
	caller_plan_free(&plan);
}

static void
dehydrated_incomplete_triple(void **state)
{
	const char *missing_value[] = { "deploy_challenge", "example.com", "t1", NULL };
	const char *extra[] = { "clean_challenge", "example.com", "t1", V1, "example.com", NULL };
	const char *none[] = { "deploy_challenge", NULL };

	(void)state;
	parse_rejected(missing_value, "DOMAIN TOKEN VALUE");
	parse_rejected(missing_value, "got 2 arguments");
	parse_rejected(extra, "got 4 arguments");
	parse_rejected(none, "got 0 arguments");
}

/* A bad triple late in a chain fails the whole parse, so nothing is created for the earlier ones. */
static void
dehydrated_bad_value_late_in_chain(void **state)
{
	const char *http_key_auth[] = { "deploy_challenge", "example.com", "t1", V1, "example.com", "t2", KEY_AUTH,
		NULL };
	const char *bad_domain[] = { "deploy_challenge", "example.com", "t1", V1, "localhost", "t2", V2, NULL };

	(void)state;
	parse_rejected(http_key_auth, "dehydrated deploy_challenge");
	parse_rejected(bad_domain, "dehydrated deploy_challenge");
}

static void
dehydrated_other_operations_ignored(void **state)
{
	static const char *const operations[] = { "startup_hook", "exit_hook", "deploy_cert", "unchanged_cert",
		"invalid_challenge", "request_failure", "generate_csr", "sync_cert", "deploy_ocsp",
		"this_hookscript_is_broken__dehydrated_is_working_fine__please_ignore_unknown_hooks_in_your_script",
		"some_future_hook", NULL };
	const char *const *op;

	(void)state;
	for (op = operations; *op != NULL; op++) {
		struct caller_plan plan;
		const char *args[] = { *op, "example.com", "/etc/ssl/key.pem", NULL };

		parse_ok(&plan, NULL, args);
		assert_int_equal(plan.caller, CALLER_DEHYDRATED);
		assert_int_equal(plan.outcome, CALLER_IGNORE);
		assert_int_equal(plan.step_count, 0);
		/* The operation is kept for messages, cut to the size of the field. */
		assert_int_equal(strncmp(plan.operation, *op, sizeof(plan.operation) - 1), 0);
		caller_plan_free(&plan);
	}
}

static void
non_operation_rejected(void **state)
{
	const char *domain[] = { "example.com", NULL };
	const char *upper[] = { "Deploy_Challenge", "example.com", "t", V1, NULL };
	const char *value[] = { V1, NULL };

	(void)state;
	parse_rejected(domain, "unexpected argument 'example.com'");
	parse_rejected(upper, "unexpected argument 'Deploy_Challenge'");
	parse_rejected(value, "unexpected argument");
}

static void
uacme_begin_and_done(void **state)
{
	static const char *const methods[] = { "begin", "done", "failed" };
	static const enum hook_kind kinds[] = { HOOK_AUTH, HOOK_CLEANUP, HOOK_CLEANUP };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct caller_plan plan;
		const char *args[] = { methods[i], "dns-01", "example.com", TOKEN, V_DASH, NULL };

		parse_ok(&plan, NULL, args);
		assert_int_equal(plan.caller, CALLER_UACME);
		assert_int_equal(plan.outcome, CALLER_RUN);
		assert_int_equal(plan.step_count, 1);
		assert_step(&plan, 0, kinds[i], "example.com", V_DASH);
		caller_plan_free(&plan);
	}
}

static void
uacme_other_type_declined(void **state)
{
	struct caller_plan plan;
	const char *begin[] = { "begin", "http-01", "example.com", TOKEN, KEY_AUTH, NULL };
	const char *done[] = { "done", "tls-alpn-01", "example.com", TOKEN, V1, NULL };

	(void)state;
	parse_ok(&plan, NULL, begin);
	assert_int_equal(plan.caller, CALLER_UACME);
	assert_int_equal(plan.outcome, CALLER_DECLINE);
	assert_int_equal(plan.step_count, 0);
	assert_non_null(strstr(plan.detail, "http-01"));
	caller_plan_free(&plan);

	parse_ok(&plan, NULL, done);
	assert_int_equal(plan.outcome, CALLER_IGNORE);
	assert_int_equal(plan.step_count, 0);
	caller_plan_free(&plan);
}

static void
uacme_wrong_count(void **state)
{
	const char *short_args[] = { "begin", "dns-01", "example.com", TOKEN, NULL };
	const char *long_args[] = { "done", "dns-01", "example.com", TOKEN, V1, "extra", NULL };

	(void)state;
	parse_rejected(short_args, "TYPE IDENT TOKEN AUTH");
	parse_rejected(short_args, "got 3 arguments");
	parse_rejected(long_args, "got 5 arguments");
}

static void
uacme_from_environment(void **state)
{
	static const char *const env[] = { "UACME_METHOD=begin", "UACME_TYPE=dns-01", "UACME_IDENT=example.com",
		"UACME_TOKEN=" TOKEN, "UACME_AUTH=" V1, NULL };
	struct caller_plan plan;
	const char *args[] = { NULL };

	(void)state;
	parse_ok(&plan, env, args);
	assert_int_equal(plan.caller, CALLER_UACME);
	assert_int_equal(plan.step_count, 1);
	assert_step(&plan, 0, HOOK_AUTH, "example.com", V1);
	caller_plan_free(&plan);
}

/* certbot stays the default: its variables win over uacme's, and operands win over both. */
static void
certbot_environment_wins(void **state)
{
	static const char *const env[] = { "CERTBOT_DOMAIN=example.org", "UACME_METHOD=begin", "UACME_TYPE=dns-01",
		"UACME_IDENT=example.com", "UACME_TOKEN=" TOKEN, "UACME_AUTH=" V1, NULL };
	struct caller_plan plan;
	const char *none[] = { NULL };
	const char *operands[] = { "present", "_acme-challenge.example.net.", V2, NULL };

	(void)state;
	parse_ok(&plan, env, none);
	assert_int_equal(plan.caller, CALLER_CERTBOT);
	assert_int_equal(plan.step_count, 0);
	caller_plan_free(&plan);

	parse_ok(&plan, env, operands);
	assert_int_equal(plan.caller, CALLER_LEGO);
	assert_step(&plan, 0, HOOK_AUTH, "example.net", V2);
	caller_plan_free(&plan);
}

static void
uacme_environment_incomplete(void **state)
{
	static const char *const env[] = { "UACME_METHOD=begin", "UACME_TYPE=dns-01", "UACME_IDENT=example.com",
		NULL };
	struct caller_plan plan;
	struct err e = { ST_OK, "" };

	(void)state;
	fake_env_vars = env;
	assert_int_equal(caller_plan_parse(NULL, 0, fake_env, &plan, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "UACME_TOKEN"));
}

static void
lego_present_and_cleanup(void **state)
{
	struct caller_plan plan;
	const char *present[] = { "present", "_acme-challenge.www.example.com.", V1, NULL };
	const char *cleanup[] = { "cleanup", "_ACME-Challenge.Example.COM.", V_DASH, NULL };

	(void)state;
	parse_ok(&plan, NULL, present);
	assert_int_equal(plan.caller, CALLER_LEGO);
	assert_int_equal(plan.step_count, 1);
	assert_step(&plan, 0, HOOK_AUTH, "www.example.com", V1);
	caller_plan_free(&plan);

	parse_ok(&plan, NULL, cleanup);
	assert_step(&plan, 0, HOOK_CLEANUP, "example.com", V_DASH);
	caller_plan_free(&plan);
}

/* lego passes the CNAME target when it followed a CNAME at _acme-challenge. */
static void
lego_cname_target_rejected(void **state)
{
	const char *target[] = { "present", "example.com.12345.dcv.example.net.", V1, NULL };
	const char *bare[] = { "present", "_acme-challenge.", V1, NULL };

	(void)state;
	parse_rejected(target, "LEGO_DISABLE_CNAME_SUPPORT=true");
	parse_rejected(target, "example.com.12345.dcv.example.net.");
	parse_rejected(bare, "not _acme-challenge.<domain>");
}

static void
lego_raw_hashes_key_authorization(void **state)
{
	struct caller_plan plan;
	const char *with_separator[] = { "present", "--", "*.example.com", TOKEN, KEY_AUTH, NULL };
	const char *separator_removed[] = { "cleanup", "example.com", TOKEN, KEY_AUTH, NULL };

	(void)state;
	parse_ok(&plan, NULL, with_separator);
	assert_int_equal(plan.caller, CALLER_LEGO_RAW);
	assert_int_equal(plan.step_count, 1);
	assert_step(&plan, 0, HOOK_AUTH, "example.com", KEY_AUTH_TXT);
	caller_plan_free(&plan);

	parse_ok(&plan, NULL, separator_removed);
	assert_int_equal(plan.caller, CALLER_LEGO_RAW);
	assert_step(&plan, 0, HOOK_CLEANUP, "example.com", KEY_AUTH_TXT);
	caller_plan_free(&plan);
}

static void
lego_raw_key_authorization_checked(void **state)
{
	const char *swapped[] = { "present", "--", "example.com", KEY_AUTH, TOKEN, NULL };
	const char *other_token[] = { "present", "--", "example.com", "abc", KEY_AUTH, NULL };
	const char *empty_token[] = { "present", "--", "example.com", "", ".thumbprint", NULL };

	(void)state;
	parse_rejected(swapped, "key authorization is not TOKEN.THUMBPRINT");
	parse_rejected(other_token, "key authorization is not TOKEN.THUMBPRINT");
	parse_rejected(empty_token, "key authorization is not TOKEN.THUMBPRINT");
}

static void
lego_wrong_count(void **state)
{
	const char *one[] = { "present", "_acme-challenge.example.com.", NULL };
	const char *raw_short[] = { "present", "--", "example.com", TOKEN, NULL };
	const char *four[] = { "cleanup", "a", "b", "c", "d", NULL };

	(void)state;
	parse_rejected(one, "FQDN VALUE");
	parse_rejected(one, "got 1 argument after");
	parse_rejected(raw_short, "-- DOMAIN TOKEN KEY_AUTH");
	parse_rejected(raw_short, "got 2 arguments");
	parse_rejected(four, "got 4 arguments");
}

static void
txt_value_of_empty_input(void **state)
{
	char out[VALIDATION_MAX + 1];
	struct err e = { ST_OK, "" };

	(void)state;
	/* SHA-256 of the empty string, base64url without padding. */
	assert_int_equal(caller_txt_value("", out, &e), ST_OK);
	assert_string_equal(out, "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
	assert_int_equal(strlen(out), 43);
}

/* ---- caller_plan_run with recording step functions ---- */

#define MAX_CALLS 8

struct call {
	char what[8];
	long remaining;
	char domain[DOMAIN_MAX + 1];
	char value[VALIDATION_MAX + 1];
};

static struct call calls[MAX_CALLS];
static int call_count;
static int fail_on_call = -1;		/* index of the call that fails, -1 for none */
static enum status fail_status = ST_TRANSIENT;

static enum status
record_call(const char *what, struct challenge *c, struct err *e)
{
	int index = call_count;

	assert_true(call_count < MAX_CALLS);
	snprintf(calls[index].what, sizeof(calls[index].what), "%s", what);
	snprintf(calls[index].domain, sizeof(calls[index].domain), "%s", c->cfg.domain);
	snprintf(calls[index].value, sizeof(calls[index].value), "%s", c->cfg.validation);
	calls[index].remaining = c->cfg.remaining;
	call_count++;
	if (index == fail_on_call)
		return err_set(e, fail_status, "step %d failed", index);
	return ST_OK;
}

static enum status
fake_auth(struct challenge *c, struct err *e)
{
	return record_call("auth", c, e);
}

static enum status
fake_cleanup(struct challenge *c, struct err *e)
{
	return record_call("cleanup", c, e);
}

static void
assert_call(int i, const char *what, const char *domain, const char *value)
{
	assert_true(i < call_count);
	assert_string_equal(calls[i].what, what);
	assert_string_equal(calls[i].domain, domain);
	assert_string_equal(calls[i].value, value);
}

static int
reset_calls(void **state)
{
	(void)state;
	memset(calls, 0, sizeof(calls));
	call_count = 0;
	fail_on_call = -1;
	fail_status = ST_TRANSIENT;
	unsetenv("CERTBOT_DOMAIN");
	unsetenv("CERTBOT_VALIDATION");
	unsetenv("CERTBOT_REMAINING_CHALLENGES");
	unsetenv("CERTBOT_ALL_DOMAINS");
	unsetenv("CERTBOT_AUTH_OUTPUT");
	return 0;
}

/* Parses args and runs the plan with the fake steps as program kind; returns the status. */
static enum status
run_plan(enum hook_kind kind, const char **args, struct challenge *c, struct err *e)
{
	struct caller_plan plan;
	enum status st;

	memset(c, 0, sizeof(*c));
	c->cfg.kind = kind;
	parse_ok(&plan, NULL, args);
	st = caller_plan_run(c, &plan, fake_auth, fake_cleanup, e);
	caller_plan_free(&plan);
	return st;
}

static void
run_chain_in_order(void **state)
{
	struct challenge c;
	struct err e = { ST_OK, "" };
	const char *args[] = { "deploy_challenge", "a.example.com", "t1", V1, "b.example.com", "t2", V2, NULL };

	(void)state;
	assert_int_equal(run_plan(HOOK_CLEANUP, args, &c, &e), ST_OK);
	assert_int_equal(call_count, 2);
	assert_call(0, "auth", "a.example.com", V1);
	assert_call(1, "auth", "b.example.com", V2);
	assert_string_equal(c.fqdn, "_acme-challenge.b.example.com");
	/* Only the last auth step waits, for both records. */
	assert_int_equal(calls[0].remaining, 1);
	assert_int_equal(calls[1].remaining, 0);
}

/* One challenge, or cleanups, keep CERTBOT_REMAINING_CHALLENGES unset (-1): each waits for its own record. */
static void
run_single_step_waits_itself(void **state)
{
	struct challenge c;
	struct err e = { ST_OK, "" };
	const char *deploy[] = { "deploy_challenge", "a.example.com", "t1", V1, NULL };
	const char *clean[] = { "clean_challenge", "a.example.com", "t1", V1, "b.example.com", "t2", V2, NULL };

	(void)state;
	assert_int_equal(run_plan(HOOK_AUTH, deploy, &c, &e), ST_OK);
	assert_int_equal(run_plan(HOOK_AUTH, clean, &c, &e), ST_OK);
	assert_int_equal(call_count, 3);
	assert_int_equal(calls[0].remaining, -1);
	assert_int_equal(calls[1].remaining, -1);
	assert_int_equal(calls[2].remaining, -1);
}

/* dehydrated exits on a failed deploy_challenge without clean_challenge, so the earlier records go now. */
static void
run_chain_failure_undoes_earlier(void **state)
{
	struct challenge c;
	struct err e = { ST_OK, "" };
	const char *args[] = { "deploy_challenge", "a.example.com", "t1", V1, "b.example.com", "t2", V2,
		"c.example.com", "t3", V_DASH, NULL };

	(void)state;
	fail_on_call = 2;
	assert_int_equal(run_plan(HOOK_AUTH, args, &c, &e), ST_TRANSIENT);
	assert_string_equal(e.msg, "step 2 failed");
	assert_int_equal(call_count, 5);
	assert_call(0, "auth", "a.example.com", V1);
	assert_call(1, "auth", "b.example.com", V2);
	assert_call(2, "auth", "c.example.com", V_DASH);
	assert_call(3, "cleanup", "a.example.com", V1);
	assert_call(4, "cleanup", "b.example.com", V2);
	/* main prefixes the error with this domain. */
	assert_string_equal(c.cfg.domain, "c.example.com");
}

static void
run_first_auth_failure_undoes_nothing(void **state)
{
	struct challenge c;
	struct err e = { ST_OK, "" };
	const char *args[] = { "deploy_challenge", "a.example.com", "t1", V1, "b.example.com", "t2", V2, NULL };

	(void)state;
	fail_on_call = 0;
	assert_int_equal(run_plan(HOOK_AUTH, args, &c, &e), ST_TRANSIENT);
	assert_int_equal(call_count, 1);
}

static void
run_cleanups_continue_after_failure(void **state)
{
	struct challenge c;
	struct err e = { ST_OK, "" };
	const char *args[] = { "clean_challenge", "a.example.com", "t1", V1, "b.example.com", "t2", V2,
		"c.example.com", "t3", V_DASH, NULL };

	(void)state;
	fail_on_call = 1;
	fail_status = ST_PERMISSION;
	assert_int_equal(run_plan(HOOK_AUTH, args, &c, &e), ST_PERMISSION);
	assert_string_equal(e.msg, "step 1 failed");
	assert_int_equal(call_count, 3);
	assert_call(0, "cleanup", "a.example.com", V1);
	assert_call(1, "cleanup", "b.example.com", V2);
	assert_call(2, "cleanup", "c.example.com", V_DASH);
	assert_string_equal(c.cfg.domain, "b.example.com");
}

static void
run_certbot_uses_program_kind(void **state)
{
	struct challenge c;
	struct err e = { ST_OK, "" };
	const char *args[] = { NULL };

	(void)state;
	setenv("CERTBOT_DOMAIN", "*.Example.com", 1);
	setenv("CERTBOT_VALIDATION", V1, 1);
	assert_int_equal(run_plan(HOOK_CLEANUP, args, &c, &e), ST_OK);
	assert_int_equal(run_plan(HOOK_AUTH, args, &c, &e), ST_OK);
	assert_int_equal(call_count, 2);
	assert_call(0, "cleanup", "example.com", V1);
	assert_call(1, "auth", "example.com", V1);
}

static void
run_ignored_and_declined(void **state)
{
	struct challenge c;
	struct err e = { ST_OK, "" };
	const char *ignored[] = { "deploy_cert", "example.com", "key.pem", "cert.pem", NULL };
	const char *declined[] = { "begin", "http-01", "example.com", TOKEN, KEY_AUTH, NULL };

	(void)state;
	assert_int_equal(run_plan(HOOK_AUTH, ignored, &c, &e), ST_OK);
	assert_int_equal(run_plan(HOOK_AUTH, declined, &c, &e), ST_DECLINED);
	assert_int_equal(status_exit_code(e.status), 1);
	assert_non_null(strstr(e.msg, "http-01"));
	assert_int_equal(call_count, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(certbot_without_operands),
		cmocka_unit_test(dehydrated_deploy_one),
		cmocka_unit_test(dehydrated_chain_keeps_order),
		cmocka_unit_test(dehydrated_clean_chain),
		cmocka_unit_test(dehydrated_incomplete_triple),
		cmocka_unit_test(dehydrated_bad_value_late_in_chain),
		cmocka_unit_test(dehydrated_other_operations_ignored),
		cmocka_unit_test(non_operation_rejected),
		cmocka_unit_test(uacme_begin_and_done),
		cmocka_unit_test(uacme_other_type_declined),
		cmocka_unit_test(uacme_wrong_count),
		cmocka_unit_test(uacme_from_environment),
		cmocka_unit_test(certbot_environment_wins),
		cmocka_unit_test(uacme_environment_incomplete),
		cmocka_unit_test(lego_present_and_cleanup),
		cmocka_unit_test(lego_cname_target_rejected),
		cmocka_unit_test(lego_raw_hashes_key_authorization),
		cmocka_unit_test(lego_raw_key_authorization_checked),
		cmocka_unit_test(lego_wrong_count),
		cmocka_unit_test(txt_value_of_empty_input),
		cmocka_unit_test_setup(run_chain_in_order, reset_calls),
		cmocka_unit_test_setup(run_single_step_waits_itself, reset_calls),
		cmocka_unit_test_setup(run_chain_failure_undoes_earlier, reset_calls),
		cmocka_unit_test_setup(run_first_auth_failure_undoes_nothing, reset_calls),
		cmocka_unit_test_setup(run_cleanups_continue_after_failure, reset_calls),
		cmocka_unit_test_setup(run_certbot_uses_program_kind, reset_calls),
		cmocka_unit_test_setup(run_ignored_and_declined, reset_calls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
