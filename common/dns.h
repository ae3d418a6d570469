/*
 * DNS messages over UDP and TCP: building queries and reading answers with
 * libresolv, and sending many queries at once.
 */
#ifndef DNS01_DNS_H
#define DNS01_DNS_H

#include <stddef.h>
#include <sys/socket.h>

#include "status.h"

#define DNS_MSG_MAX 65535

struct dns_server_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* Parses "ADDR", "ADDR:PORT", "IPV6" or "[IPV6]:PORT"; the port defaults to 53. */
enum status dns_parse_server_addr(const char *text, struct dns_server_addr *out, struct err *e);

/* Writes "ADDR" or "ADDR:PORT" ("[IPV6]:PORT") when the port is not 53. */
void dns_format_addr(const struct dns_server_addr *addr, char *buf, size_t size);

/* One query to one server, for dns_exchange_all. */
struct dns_exchange {
	const struct dns_server_addr *server;
	const char *qname;
	int qtype;			/* ns_t_txt, ns_t_ns, ns_t_a, ... */
	int recurse;			/* set RD: for recursive resolvers, not authoritative servers */
	int dnssec;			/* set AD, asking a validating resolver to say whether it validated */
	int checking_disabled;		/* set CD: the resolver answers without validating */

	/* Results. */
	enum status status;		/* ST_OK when a response arrived */
	unsigned char *response;	/* owned; freed by dns_exchange_reset */
	size_t response_len;
	int rcode;
	int authoritative;
	int authenticated;		/* AD: the resolver validated the answer with DNSSEC */
	int recursion_available;	/* RA: the server resolves names for others */
	int via_tcp;			/* the UDP answer was truncated and TCP was used */
};

/*
 * Sends every query in parallel over UDP, retrying each unanswered one up to
 * tries times with timeout seconds per try, and repeats over TCP those whose
 * answer had the TC bit. Matches answers by id, source address and question.
 * Fills the result fields of every item; returns ST_OK (each item has its
 * own status) unless the system fails.
 */
enum status dns_exchange_all(struct dns_exchange *items, size_t count, double timeout, int tries, struct err *e);

/* Frees the response of item and clears its results. */
void dns_exchange_reset(struct dns_exchange *item);

/*
 * Calls fn for each answer record of type qtype owned by qname in the message.
 * rdata points into the message; for names in rdata use dns_expand_name.
 * Returns -1 when the message cannot be parsed.
 */
typedef void (*dns_record_fn)(void *ctx, const unsigned char *msg, size_t msglen, const unsigned char *rdata,
    size_t rdlen);
int dns_for_each_answer(const unsigned char *msg, size_t len, const char *qname, int qtype, int section,
    dns_record_fn fn, void *ctx);

/* Expands a possibly compressed name at src into out (presentation form, no trailing dot). */
int dns_expand_name(const unsigned char *msg, size_t msglen, const unsigned char *src, char *out, size_t size);

/*
 * Joins the character-strings of one TXT rdata into out (size bytes).
 * Returns -1 when the rdata is malformed or out is too small.
 */
int dns_txt_join(const unsigned char *rdata, size_t rdlen, char *out, size_t size);

/*
 * Returns 1 when the answer section of msg contains a record of qtype (ns_t_txt
 * or ns_t_cname) owned by qname with value: the joined TXT strings exactly,
 * or the CNAME target without regard to case or a trailing dot.
 */
int dns_answer_contains(const unsigned char *msg, size_t len, const char *qname, int qtype, const char *value);

/* Returns the mnemonic of a response code, such as "NXDOMAIN". */
const char *dns_rcode_name(int rcode);

/* Reads the system resolvers from /etc/resolv.conf (at most max). Returns how many. */
int dns_system_resolvers(struct dns_server_addr *out, int max);

#endif
