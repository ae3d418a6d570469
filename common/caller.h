/*
 * The calling conventions of ACME clients besides certbot. The operands (the
 * arguments after the options) tell which client called and what it wants;
 * a plan turns them into hook steps, each an auth or a cleanup of one domain
 * and TXT value.
 *
 *   no operands     certbot: CERTBOT_DOMAIN/CERTBOT_VALIDATION, or --domain
 *                   and --validation; the program runs its own step
 *   dehydrated      deploy_challenge|clean_challenge DOMAIN TOKEN VALUE, the
 *                   triple repeated with HOOK_CHAIN=yes; any other operation
 *                   has nothing to do
 *   uacme           begin|done|failed TYPE IDENT TOKEN AUTH; with no operands
 *                   also read from UACME_METHOD, UACME_TYPE, UACME_IDENT,
 *                   UACME_TOKEN and UACME_AUTH
 *   lego exec       present|cleanup FQDN VALUE, and with EXEC_MODE=RAW
 *                   present|cleanup -- DOMAIN TOKEN KEY_AUTH
 *
 * Sources: dehydrated 0.7.0 (the dehydrated script, docs/examples/hook.sh),
 * uacme 1.7.4 (uacme(1), -h/--hook), lego 4.9.1 (providers/dns/exec/exec.go).
 */
#ifndef DNS01_CALLER_H
#define DNS01_CALLER_H

#include <stddef.h>

#include "challenge.h"
#include "config.h"
#include "input.h"
#include "status.h"

enum caller {
	CALLER_CERTBOT,		/* no operands */
	CALLER_DEHYDRATED,
	CALLER_UACME,
	CALLER_LEGO,		/* lego's exec provider, default mode */
	CALLER_LEGO_RAW,	/* lego's exec provider with EXEC_MODE=RAW */
};

enum caller_outcome {
	CALLER_RUN,		/* run the steps; for certbot, the program's own step */
	CALLER_IGNORE,		/* an operation with nothing to do: exit 0 */
	CALLER_DECLINE,		/* uacme offered a challenge type other than dns-01: exit 1 */
};

/* One challenge to set up or remove. */
struct caller_step {
	enum hook_kind kind;			/* HOOK_AUTH or HOOK_CLEANUP */
	char domain[DOMAIN_MAX + 1];		/* normalized by input_normalize_domain */
	char value[VALIDATION_MAX + 1];		/* the TXT value, checked by input_check_validation */
};

struct caller_plan {
	enum caller caller;
	enum caller_outcome outcome;
	char operation[64];		/* the operation operand, cut to fit; "" for certbot */
	char detail[128];		/* why the operation is ignored or declined, for the log */
	struct caller_step *steps;	/* owned; NULL when step_count is 0 */
	size_t step_count;
};

/* Looks up an environment variable; NULL when it is not set. */
typedef const char *(*caller_env_fn)(const char *name);

/* Runs one step of the challenge in c (auth_run or cleanup_run). */
typedef enum status (*caller_step_fn)(struct challenge *c, struct err *e);

/*
 * Detects the caller from the operands args[0..count-1] and fills plan. With
 * no operands, env (which may be NULL) decides between certbot, the default,
 * and uacme's variables: those are read only when CERTBOT_DOMAIN is unset.
 * Every domain and value is validated before the plan is returned, so a bad
 * triple late in a dehydrated chain stops the run before anything changed.
 * Returns ST_USAGE with a message naming the convention on malformed
 * operands. On success plan owns memory that caller_plan_free releases; on
 * failure nothing needs freeing.
 */
enum status caller_plan_parse(char *const *args, int count, caller_env_fn env, struct caller_plan *plan,
    struct err *e);

/*
 * Runs the plan on c: sets each step's input with challenge_set_input, then
 * calls auth or cleanup. A certbot plan reads the input from the options or
 * CERTBOT_* and runs the step of c->cfg.kind. Several auth steps count down
 * c->cfg.remaining as certbot's CERTBOT_REMAINING_CHALLENGES does, so only
 * the last one waits for propagation, for all of them. When an auth step
 * fails, the steps before it in the same call are cleaned up again, because
 * dehydrated exits on a failed deploy_challenge without calling
 * clean_challenge.
 * Cleanup steps all run, and the first failure is returned. An ignored plan
 * returns ST_OK; a declined one returns a status that exits 1.
 */
enum status caller_plan_run(struct challenge *c, const struct caller_plan *plan, caller_step_fn auth,
    caller_step_fn cleanup, struct err *e);

/*
 * Runs one hook call: parses c->cfg.args with the process environment, then
 * runs the plan. --domain and --validation are rejected together with
 * another client's operands, where they would be ambiguous.
 */
enum status caller_run(struct challenge *c, caller_step_fn auth, caller_step_fn cleanup, struct err *e);

/* Releases the steps of plan; safe on a zeroed plan and twice. */
void caller_plan_free(struct caller_plan *plan);

/* Returns the client's name as the messages use it: "certbot", "dehydrated", "uacme", "lego". */
const char *caller_name(enum caller caller);

/*
 * Computes the DNS-01 TXT value of a key authorization (RFC 8555, section
 * 8.4): the unpadded base64url encoding of its SHA-256 digest, 43 characters.
 * Writes it to out (at least VALIDATION_MAX + 1 bytes).
 */
enum status caller_txt_value(const char *key_authorization, char out[VALIDATION_MAX + 1], struct err *e);

#endif
