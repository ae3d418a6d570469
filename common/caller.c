#include "caller.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "log.h"

#define CHALLENGE_LABEL "_acme-challenge."
#define KEY_AUTHORIZATION_MAX 1024

/*
 * dehydrated operations that involve no DNS-01 record. dehydrated 0.7.0 also
 * calls the hook once with the long made-up name below and stops when that
 * call fails.
 */
static const char *const dehydrated_other_operations[] = {
	"startup_hook", "exit_hook", "generate_csr", "deploy_cert", "deploy_ocsp", "unchanged_cert", "sync_cert",
	"invalid_challenge", "request_failure",
	"this_hookscript_is_broken__dehydrated_is_working_fine__please_ignore_unknown_hooks_in_your_script",
	NULL,
};

const char *
caller_name(enum caller caller)
{
	switch (caller) {
	case CALLER_DEHYDRATED:
		return "dehydrated";
	case CALLER_UACME:
		return "uacme";
	case CALLER_LEGO:
	case CALLER_LEGO_RAW:
		return "lego";
	default:
		return "certbot";
	}
}

void
caller_plan_free(struct caller_plan *plan)
{
	free(plan->steps);
	plan->steps = NULL;
	plan->step_count = 0;
}

enum status
caller_txt_value(const char *key_authorization, char out[VALIDATION_MAX + 1], struct err *e)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	unsigned int i;
	size_t n = 0;

	if (EVP_Digest(key_authorization, strlen(key_authorization), digest, &digest_len, EVP_sha256(), NULL) != 1)
		return err_set(e, ST_SYSTEM, "SHA-256 of the key authorization failed");
	/* base64url without padding (RFC 4648, section 5): 6 bits per character, the last group zero-filled. */
	for (i = 0; i < digest_len; i += 3) {
		unsigned long group = (unsigned long)digest[i] << 16;
		unsigned int left = digest_len - i;

		if (left > 1)
			group |= (unsigned long)digest[i + 1] << 8;
		if (left > 2)
			group |= digest[i + 2];
		out[n++] = alphabet[(group >> 18) & 63];
		out[n++] = alphabet[(group >> 12) & 63];
		if (left > 1)
			out[n++] = alphabet[(group >> 6) & 63];
		if (left > 2)
			out[n++] = alphabet[group & 63];
	}
	out[n] = '\0';
	return ST_OK;
}

/* Appends a step after validating its domain and value; the message names the operand that failed. */
static enum status
add_step(struct caller_plan *plan, enum hook_kind kind, const char *domain, const char *value, struct err *e)
{
	struct caller_step *step = &plan->steps[plan->step_count];
	enum status st;

	step->kind = kind;
	st = input_normalize_domain(domain, step->domain, e);
	if (st != ST_OK)
		return err_prefix(e, "%s %s", caller_name(plan->caller), plan->operation);
	st = input_check_validation(value, e);
	if (st != ST_OK)
		return err_prefix(e, "%s %s", caller_name(plan->caller), plan->operation);
	memcpy(step->value, value, strlen(value) + 1);
	plan->step_count++;
	return ST_OK;
}

static enum status
alloc_steps(struct caller_plan *plan, size_t count, struct err *e)
{
	plan->steps = calloc(count, sizeof(*plan->steps));
	if (plan->steps == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	return ST_OK;
}

static int
is_operation_name(const char *word)
{
	const char *p;

	if (word[0] < 'a' || word[0] > 'z')
		return 0;
	for (p = word; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

/* deploy_challenge|clean_challenge DOMAIN TOKEN VALUE [DOMAIN TOKEN VALUE...]; TOKEN is for http-01 only. */
static enum status
parse_dehydrated(char *const *operands, int count, enum hook_kind kind, struct caller_plan *plan, struct err *e)
{
	enum status st;
	int i;

	plan->caller = CALLER_DEHYDRATED;
	if (count == 0 || count % 3 != 0)
		return err_set(e, ST_USAGE, "dehydrated calls '%s DOMAIN TOKEN VALUE', with the three repeated "
		    "when HOOK_CHAIN=yes; got %d argument%s after '%s'", plan->operation, count, count == 1 ? "" : "s",
		    plan->operation);
	if ((st = alloc_steps(plan, (size_t)count / 3, e)) != ST_OK)
		return st;
	for (i = 0; i < count; i += 3)
		if ((st = add_step(plan, kind, operands[i], operands[i + 2], e)) != ST_OK)
			return st;
	return ST_OK;
}

/* begin|done|failed TYPE IDENT TOKEN AUTH, where AUTH is already the TXT value for dns-01. */
static enum status
parse_uacme(char *const *operands, int count, struct caller_plan *plan, struct err *e)
{
	enum hook_kind kind = strcmp(plan->operation, "begin") == 0 ? HOOK_AUTH : HOOK_CLEANUP;
	enum status st;

	plan->caller = CALLER_UACME;
	if (count != 4)
		return err_set(e, ST_USAGE, "uacme calls '%s TYPE IDENT TOKEN AUTH'; got %d argument%s after '%s'",
		    plan->operation, count, count == 1 ? "" : "s", plan->operation);
	if (strcmp(operands[0], "dns-01") != 0) {
		char type[44];
		char ident[64];

		/* uacme(1): any nonzero exit of begin declines, and uacme offers the next challenge type. */
		plan->outcome = kind == HOOK_AUTH ? CALLER_DECLINE : CALLER_IGNORE;
		/* The detail is printed, and the arguments may contain anything, line breaks included. */
		log_escape(type, sizeof(type), operands[0], strlen(operands[0]));
		log_escape(ident, sizeof(ident), operands[1], strlen(operands[1]));
		snprintf(plan->detail, sizeof(plan->detail), "challenge type '%s' for %s: this hook answers dns-01 only",
		    type, ident);
		return ST_OK;
	}
	if ((st = alloc_steps(plan, 1, e)) != ST_OK)
		return st;
	return add_step(plan, kind, operands[1], operands[3], e);
}

/* Turns lego's "_acme-challenge.<domain>." into the domain. */
static enum status
lego_domain(const char *fqdn, char out[DOMAIN_MAX + 1], struct err *e)
{
	size_t prefix = strlen(CHALLENGE_LABEL);
	size_t len = strlen(fqdn);

	if (len <= prefix || strncasecmp(fqdn, CHALLENGE_LABEL, prefix) != 0)
		return err_set(e, ST_USAGE, "lego passed the name '%.300s', which is not _acme-challenge.<domain>: lego "
		    "followed a CNAME at _acme-challenge. Set LEGO_DISABLE_CNAME_SUPPORT=true so that lego passes the "
		    "name itself; the --cname option of this hook decides what to do about the CNAME", fqdn);
	len -= prefix;
	if (len > DOMAIN_MAX + 1)
		return err_set(e, ST_USAGE, "lego passed the name '%.300s', which is too long", fqdn);
	memcpy(out, fqdn + prefix, len);
	out[len] = '\0';
	return ST_OK;
}

/*
 * present|cleanup FQDN VALUE, or with EXEC_MODE=RAW present|cleanup -- DOMAIN
 * TOKEN KEY_AUTH. getopt may already have removed the "--", so three operands
 * also mean RAW.
 */
static enum status
parse_lego(char *const *operands, int count, struct caller_plan *plan, struct err *e)
{
	enum hook_kind kind = strcmp(plan->operation, "present") == 0 ? HOOK_AUTH : HOOK_CLEANUP;
	char domain[DOMAIN_MAX + 2];
	char value[VALIDATION_MAX + 1];
	int raw = count == 3;
	size_t token_len;
	enum status st;

	if (count > 0 && strcmp(operands[0], "--") == 0) {
		raw = 1;
		operands++;
		count--;
	}
	if (!raw && count == 2) {
		plan->caller = CALLER_LEGO;
		if ((st = lego_domain(operands[0], domain, e)) != ST_OK)
			return st;
		if ((st = alloc_steps(plan, 1, e)) != ST_OK)
			return st;
		return add_step(plan, kind, domain, operands[1], e);
	}
	plan->caller = raw ? CALLER_LEGO_RAW : CALLER_LEGO;
	if (!raw || count != 3)
		return err_set(e, ST_USAGE, "lego's exec provider calls '%s FQDN VALUE', or with EXEC_MODE=RAW "
		    "'%s -- DOMAIN TOKEN KEY_AUTH'; got %d argument%s after '%s'", plan->operation, plan->operation,
		    count, count == 1 ? "" : "s", plan->operation);

	/* RFC 8555, section 8.1: keyAuthorization = token || '.' || base64url(JWK thumbprint). */
	token_len = strlen(operands[1]);
	if (token_len == 0 || strncmp(operands[2], operands[1], token_len) != 0 || operands[2][token_len] != '.' ||
	    strlen(operands[2]) > KEY_AUTHORIZATION_MAX)
		return err_set(e, ST_USAGE, "lego %s: the key authorization is not TOKEN.THUMBPRINT for the token "
		    "'%.100s'; check the order of DOMAIN TOKEN KEY_AUTH", plan->operation, operands[1]);
	if ((st = caller_txt_value(operands[2], value, e)) != ST_OK)
		return st;
	if ((st = alloc_steps(plan, 1, e)) != ST_OK)
		return st;
	return add_step(plan, kind, operands[0], value, e);
}

static enum status
parse_operands(char *const *args, int count, struct caller_plan *plan, struct err *e)
{
	const char *op = args[0];
	const char *const *name;

	snprintf(plan->operation, sizeof(plan->operation), "%s", op);
	if (strcmp(op, "deploy_challenge") == 0)
		return parse_dehydrated(args + 1, count - 1, HOOK_AUTH, plan, e);
	if (strcmp(op, "clean_challenge") == 0)
		return parse_dehydrated(args + 1, count - 1, HOOK_CLEANUP, plan, e);
	if (strcmp(op, "begin") == 0 || strcmp(op, "done") == 0 || strcmp(op, "failed") == 0)
		return parse_uacme(args + 1, count - 1, plan, e);
	if (strcmp(op, "present") == 0 || strcmp(op, "cleanup") == 0)
		return parse_lego(args + 1, count - 1, plan, e);

	/* dehydrated expects every other operation, including ones added in later versions, to succeed. */
	for (name = dehydrated_other_operations; *name != NULL; name++) {
		if (strcmp(op, *name) == 0) {
			plan->caller = CALLER_DEHYDRATED;
			plan->outcome = CALLER_IGNORE;
			snprintf(plan->detail, sizeof(plan->detail), "no DNS-01 record involved");
			return ST_OK;
		}
	}
	if (is_operation_name(op)) {
		plan->caller = CALLER_DEHYDRATED;
		plan->outcome = CALLER_IGNORE;
		snprintf(plan->detail, sizeof(plan->detail), "unknown operation; ignored as dehydrated requires");
		return ST_OK;
	}
	return err_set(e, ST_USAGE, "unexpected argument '%.200s'; the first argument must be an operation of "
	    "dehydrated, uacme or lego, and secrets and values go in options or the environment; see --help", op);
}

enum status
caller_plan_parse(char *const *args, int count, caller_env_fn env, struct caller_plan *plan, struct err *e)
{
	const char *certbot_domain = env != NULL ? env("CERTBOT_DOMAIN") : NULL;
	const char *uacme_method = env != NULL ? env("UACME_METHOD") : NULL;
	char *uacme_args[5];
	enum status st;
	int i;

	memset(plan, 0, sizeof(*plan));
	plan->caller = CALLER_CERTBOT;
	plan->outcome = CALLER_RUN;
	if (count == 0 && (certbot_domain == NULL || certbot_domain[0] == '\0') && uacme_method != NULL &&
	    uacme_method[0] != '\0') {
		static const char *const names[] = { "UACME_METHOD", "UACME_TYPE", "UACME_IDENT", "UACME_TOKEN",
			"UACME_AUTH" };

		for (i = 0; i < 5; i++) {
			const char *value = env(names[i]);

			if (value == NULL)
				return err_set(e, ST_USAGE, "UACME_METHOD is set but %s is not", names[i]);
			uacme_args[i] = (char *)value;
		}
		args = uacme_args;
		count = 5;
	}
	if (count == 0)
		return ST_OK;
	st = parse_operands(args, count, plan, e);
	if (st != ST_OK)
		caller_plan_free(plan);
	return st;
}

/*
 * Sets the input of step and runs it. remaining, when not negative, replaces
 * CERTBOT_REMAINING_CHALLENGES: auth_run then leaves the wait for
 * propagation to the step with 0, which waits for every record of the run.
 */
static enum status
run_step(struct challenge *c, const struct caller_step *step, long remaining, caller_step_fn fn, struct err *e)
{
	enum status st = challenge_set_input(c, step->domain, step->value, e);

	if (st != ST_OK)
		return st;
	if (remaining >= 0)
		c->cfg.remaining = remaining;
	return fn(c, e);
}

/* Cleans up steps[0..count-1] after a later auth step failed; failures are logged, not returned. */
static void
undo_auth_steps(struct challenge *c, const struct caller_plan *plan, size_t count, caller_step_fn cleanup)
{
	size_t i;

	if (count == 0)
		return;
	log_info("deleting the %zu record%s that this %s call created before the failure", count,
	    count == 1 ? "" : "s", plan->operation);
	for (i = 0; i < count; i++) {
		struct err e2 = { ST_OK, "" };

		if (run_step(c, &plan->steps[i], -1, cleanup, &e2) != ST_OK)
			log_error("%s: %s", plan->steps[i].domain, e2.msg);
	}
}

enum status
caller_plan_run(struct challenge *c, const struct caller_plan *plan, caller_step_fn auth, caller_step_fn cleanup,
    struct err *e)
{
	enum status first = ST_OK;
	size_t failed = 0;
	size_t i;

	if (plan->outcome == CALLER_IGNORE) {
		char operation[64];

		log_escape(operation, sizeof(operation), plan->operation, strlen(plan->operation));
		log_debug("%s '%s': %s", caller_name(plan->caller), operation, plan->detail);
		return ST_OK;
	}
	if (plan->outcome == CALLER_DECLINE)
		return err_set(e, ST_DECLINED, "declined the %s", plan->detail);
	if (plan->caller == CALLER_CERTBOT) {
		enum status st = challenge_set_input(c, NULL, NULL, e);

		if (st != ST_OK)
			return st;
		return c->cfg.kind == HOOK_AUTH ? auth(c, e) : cleanup(c, e);
	}

	log_debug("%s '%s' with %zu challenge%s", caller_name(plan->caller), plan->operation, plan->step_count,
	    plan->step_count == 1 ? "" : "s");
	for (i = 0; i < plan->step_count; i++) {
		const struct caller_step *step = &plan->steps[i];
		struct err step_err = { ST_OK, "" };
		long remaining;
		enum status st;

		/* A chained deploy_challenge waits once, in its last step, like a certbot run. */
		remaining = step->kind == HOOK_AUTH && plan->step_count > 1 ? (long)(plan->step_count - 1 - i) : -1;
		st = run_step(c, step, remaining, step->kind == HOOK_AUTH ? auth : cleanup, &step_err);
		if (st == ST_OK)
			continue;
		if (step->kind == HOOK_AUTH) {
			*e = step_err;
			undo_auth_steps(c, plan, i, cleanup);
			failed = i;
			first = st;
			break;
		}
		/* Every failed cleanup is reported: the first one by main, the others here. */
		if (first == ST_OK) {
			first = st;
			failed = i;
			*e = step_err;
		} else {
			log_error("%s: %s", step->domain, step_err.msg);
		}
	}
	/* main prefixes the error with c->cfg.domain, which must be the failed step's domain. */
	if (first != ST_OK)
		snprintf(c->cfg.domain, sizeof(c->cfg.domain), "%s", plan->steps[failed].domain);
	return first;
}

static const char *
process_env(const char *name)
{
	return getenv(name);
}

enum status
caller_run(struct challenge *c, caller_step_fn auth, caller_step_fn cleanup, struct err *e)
{
	struct caller_plan plan;
	enum status st;

	st = caller_plan_parse(c->cfg.args, c->cfg.arg_count, process_env, &plan, e);
	if (st != ST_OK)
		return st;
	if (plan.caller != CALLER_CERTBOT && (c->cfg.cli_domain != NULL || c->cfg.cli_validation != NULL))
		st = err_set(e, ST_USAGE, "--domain and --validation cannot be combined with the arguments of %s",
		    caller_name(plan.caller));
	else
		st = caller_plan_run(c, &plan, auth, cleanup, e);
	caller_plan_free(&plan);
	return st;
}
