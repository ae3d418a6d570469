#include "propagation.h"

#include <arpa/nameser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "interrupt.h"
#include "log.h"

/* Short, so that an address that drops packets (a dead IPv6 path) holds up a round by at most 1 s. */
#define QUERY_TIMEOUT 0.5
#define QUERY_TRIES 2
#define FIRST_INTERVAL 0.1
/* Pauses grow by this many seconds per second of waiting: 0.2 s after 5 s, 0.7 s after 30 s. */
#define INTERVAL_GROWTH 0.02
#define PROGRESS_EVERY 10.0

/* The result of the latest query to one address of a nameserver. */
enum answer {
	ANSWER_NONE,		/* no reply */
	ANSWER_SERVES,
	ANSWER_LACKS,		/* authoritative reply without the value */
	ANSWER_REFUSED,		/* REFUSED, SERVFAIL or not authoritative */
};

struct slot {
	size_t item;
	size_t ns;
	int addr;
};

static enum answer
classify(const struct dns_exchange *x, const char *value, int qtype)
{
	if (x->status != ST_OK)
		return ANSWER_NONE;
	if (!x->authoritative || (x->rcode != ns_r_noerror && x->rcode != ns_r_nxdomain))
		return ANSWER_REFUSED;
	if (x->rcode == ns_r_noerror && dns_answer_contains(x->response, x->response_len, x->qname, qtype, value))
		return ANSWER_SERVES;
	return ANSWER_LACKS;
}

/* Lists "ns for name (reason)" for every nameserver not yet done, for progress and timeout messages. */
static void
describe_missing(const struct propagation_item *items, size_t count, unsigned char **done, char **reasons, char *buf,
    size_t size)
{
	size_t used = 0;
	size_t i;
	size_t n;

	buf[0] = '\0';
	for (i = 0; i < count; i++) {
		for (n = 0; n < items[i].servers->count; n++) {
			const struct nameserver *ns = &items[i].servers->items[n];

			if (done[i][n] || ns->addr_count == 0 || used + 8 >= size)
				continue;
			used += (size_t)snprintf(buf + used, size - used, "%s%s for %s (%s)", used > 0 ? ", " : "",
			    ns->name, items[i].fqdn, reasons[i] + n * 32);
			if (used >= size)
				used = size - 1;
		}
	}
}

enum status
propagation_wait(const struct propagation_item *items, size_t count, double timeout, double max_interval,
    struct err *e)
{
	unsigned char **done = calloc(count, sizeof(*done));
	char **reasons = calloc(count, sizeof(*reasons));
	struct dns_exchange *xs = NULL;
	struct slot *slots = NULL;
	double start = clock_now();
	double deadline = start + timeout;
	double interval = FIRST_INTERVAL;
	double last_progress = start;
	char missing[2048];
	char last_missing[2048] = "";
	size_t total = 0;
	size_t queries = 0;
	size_t i;
	enum status st = ST_OK;
	int rounds = 0;

	if (done == NULL || reasons == NULL) {
		st = err_set(e, ST_SYSTEM, "out of memory");
		goto out;
	}
	for (i = 0; i < count; i++) {
		size_t n;

		done[i] = calloc(items[i].servers->count + 1, 1);
		reasons[i] = calloc(items[i].servers->count + 1, 32);
		if (done[i] == NULL || reasons[i] == NULL) {
			st = err_set(e, ST_SYSTEM, "out of memory");
			goto out;
		}
		for (n = 0; n < items[i].servers->count; n++) {
			total += (size_t)items[i].servers->items[n].addr_count;
			snprintf(reasons[i] + n * 32, 32, "no answer yet");
		}
	}
	xs = calloc(total + 1, sizeof(*xs));
	slots = calloc(total + 1, sizeof(*slots));
	if (xs == NULL || slots == NULL) {
		st = err_set(e, ST_SYSTEM, "out of memory");
		goto out;
	}

	for (;;) {
		size_t used = 0;
		size_t k;
		int pending = 0;

		/* Queue a query to each address of each nameserver that is not done. */
		for (i = 0; i < count; i++) {
			size_t n;

			for (n = 0; n < items[i].servers->count; n++) {
				const struct nameserver *ns = &items[i].servers->items[n];
				int a;

				if (done[i][n] || ns->addr_count == 0)
					continue;
				pending = 1;
				for (a = 0; a < ns->addr_count; a++) {
					memset(&xs[used], 0, sizeof(xs[used]));
					xs[used].server = &ns->addrs[a];
					xs[used].qname = items[i].fqdn;
					xs[used].qtype = items[i].qtype == ns_t_cname ? ns_t_cname : ns_t_txt;
					xs[used].recurse = 0;
					slots[used].item = i;
					slots[used].ns = n;
					slots[used].addr = a;
					used++;
				}
			}
		}
		if (!pending)
			break;
		rounds++;
		queries += used;
		st = dns_exchange_all(xs, used, QUERY_TIMEOUT, QUERY_TRIES, e);
		if (st != ST_OK)
			goto out;

		/* A nameserver is done when one address serves the value and no responding address lacks it. */
		for (k = 0; k < used;) {
			size_t item = slots[k].item;
			size_t n = slots[k].ns;
			int serves = 0;
			int lacks = 0;
			int refused = 0;
			const char *reason;

			for (; k < used && slots[k].item == item && slots[k].ns == n; k++) {
				enum answer a = classify(&xs[k], items[item].value, xs[k].qtype);

				serves |= a == ANSWER_SERVES;
				lacks |= a == ANSWER_LACKS;
				refused |= a == ANSWER_REFUSED;
				dns_exchange_reset(&xs[k]);
			}
			if (serves && !lacks) {
				done[item][n] = 1;
				log_debug("%s serves %s", items[item].servers->items[n].name, items[item].fqdn);
			}
			if (lacks)
				reason = "value not served yet";
			else if (refused)
				reason = "refused or not authoritative";
			else
				reason = "no answer";
			snprintf(reasons[item] + n * 32, 32, "%s", reason);
		}
		describe_missing(items, count, done, reasons, missing, sizeof(missing));
		if (missing[0] == '\0')
			break;
		if (interrupt_pending()) {
			st = err_set(e, ST_SYSTEM, "interrupted by signal %d while waiting for %s", interrupt_pending(), missing);
			goto out;
		}
		if (clock_now() >= deadline) {
			st = err_set(e, ST_TIMEOUT, "after %.1f s these nameservers still do not serve the record: %s",
			    clock_now() - start, missing);
			goto out;
		}
		if (strcmp(missing, last_missing) != 0 || clock_now() - last_progress >= PROGRESS_EVERY) {
			log_info("waiting for %s", missing);
			snprintf(last_missing, sizeof(last_missing), "%s", missing);
			last_progress = clock_now();
		}
		/* The last round runs at the deadline itself, so the whole timeout is used. */
		clock_sleep(clock_now() + interval > deadline ? deadline - clock_now() : interval);
		/* Slow growth keeps the wait within a fraction of a second of the moment the last server catches up. */
		interval = FIRST_INTERVAL + INTERVAL_GROWTH * (clock_now() - start);
		if (interval > max_interval)
			interval = max_interval;
	}
	log_info("every nameserver serves %s after %.1f s (%d %s, %zu queries)",
	    count == 1 ? "the record" : "the records", clock_now() - start, rounds, rounds == 1 ? "round" : "rounds",
	    queries);
out:
	for (i = 0; i < count; i++) {
		if (done != NULL)
			free(done[i]);
		if (reasons != NULL)
			free(reasons[i]);
	}
	free(done);
	free(reasons);
	free(xs);
	free(slots);
	return st;
}
