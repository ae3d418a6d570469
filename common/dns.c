#include "dns.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <poll.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

/* Queries carry no EDNS, so a UDP answer is at most 512 octets (RFC 1035 section 4.2.1). */
#define DNS_UDP_MAX 512
#define DNS_QUERY_MAX 512
/* How many sockets one batch of dns_exchange_all keeps open. */
#define DNS_BATCH 256

enum status
dns_parse_server_addr(const char *text, struct dns_server_addr *out, struct err *e)
{
	char host[INET6_ADDRSTRLEN + 2];
	char shown[128];
	const char *port_text = NULL;
	long port = 53;
	struct sockaddr_in *sin = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out->ss;

	memset(out, 0, sizeof(*out));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (close == NULL || (size_t)(close - text - 1) >= sizeof(host))
			goto invalid;
		memcpy(host, text + 1, (size_t)(close - text - 1));
		host[close - text - 1] = '\0';
		if (close[1] == ':')
			port_text = close + 2;
		else if (close[1] != '\0')
			goto invalid;
	} else {
		const char *colon = strchr(text, ':');

		if (strlen(text) >= sizeof(host))
			goto invalid;
		snprintf(host, sizeof(host), "%s", text);
		/* A single colon separates a port; more than one is a bare IPv6 address. */
		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			host[colon - text] = '\0';
			port_text = colon + 1;
		}
	}
	if (port_text != NULL) {
		char *end = NULL;

		port = strtol(port_text, &end, 10);
		if (*port_text == '\0' || *end != '\0' || port < 1 || port > 65535)
			goto invalid;
	}
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		out->len = sizeof(*sin);
		return ST_OK;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		out->len = sizeof(*sin6);
		return ST_OK;
	}
invalid:
	log_escape(shown, sizeof(shown), text, strlen(text));
	return err_set(e, ST_USAGE,
	    "invalid DNS server address '%s'; expected an IP address with an optional port, such as 192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:53",
	    shown);
}

void
dns_format_addr(const struct dns_server_addr *addr, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];
	unsigned port;

	if (addr->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&addr->ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		port = ntohs(sin6->sin6_port);
		if (port == 53)
			snprintf(buf, size, "%s", host);
		else
			snprintf(buf, size, "[%s]:%u", host, port);
	} else {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&addr->ss;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		port = ntohs(sin->sin_port);
		if (port == 53)
			snprintf(buf, size, "%s", host);
		else
			snprintf(buf, size, "%s:%u", host, port);
	}
}

void
dns_exchange_reset(struct dns_exchange *item)
{
	free(item->response);
	item->response = NULL;
	item->response_len = 0;
	item->status = ST_TIMEOUT;
	item->rcode = -1;
	item->authoritative = 0;
	item->authenticated = 0;
	item->recursion_available = 0;
	item->via_tcp = 0;
}

/* Builds a query for item into buf with a random id; returns its length or -1. */
static int
build_query(const struct dns_exchange *item, unsigned char *buf, size_t size)
{
	unsigned char id[2];
	int len;

	len = res_mkquery(ns_o_query, item->qname, ns_c_in, item->qtype, NULL, 0, NULL, buf, (int)size);
	if (len < NS_HFIXEDSZ)
		return -1;
	if (RAND_bytes(id, sizeof(id)) != 1)
		return -1;
	buf[0] = id[0];
	buf[1] = id[1];
	/* Byte 2 contains QR, opcode, AA, TC and RD, and RD is its lowest bit. */
	if (item->recurse)
		buf[2] |= 0x01;
	else
		buf[2] &= (unsigned char)~0x01;
	/* Byte 3 contains AD (0x20) and CD (0x10). A resolver sets AD in its answer only when the query sets it. */
	buf[3] &= (unsigned char)~0x30;
	if (item->dnssec)
		buf[3] |= 0x20;
	if (item->checking_disabled)
		buf[3] |= 0x10;
	return len;
}

/* Returns 1 when response answers query: same id, a response, and the same question. */
static int
response_matches(const unsigned char *query, int qlen, const unsigned char *resp, size_t rlen)
{
	ns_msg qmsg;
	ns_msg rmsg;
	ns_rr qrr;
	ns_rr rrr;

	if (rlen < NS_HFIXEDSZ || resp[0] != query[0] || resp[1] != query[1] || (resp[2] & 0x80) == 0)
		return 0;
	if (ns_initparse(query, qlen, &qmsg) < 0 || ns_initparse(resp, (int)rlen, &rmsg) < 0)
		return 0;
	if (ns_msg_count(rmsg, ns_s_qd) != 1)
		return 0;
	if (ns_parserr(&qmsg, ns_s_qd, 0, &qrr) < 0 || ns_parserr(&rmsg, ns_s_qd, 0, &rrr) < 0)
		return 0;
	return ns_rr_type(qrr) == ns_rr_type(rrr) && ns_rr_class(qrr) == ns_rr_class(rrr) &&
	    strcasecmp(ns_rr_name(qrr), ns_rr_name(rrr)) == 0;
}

static void
store_response(struct dns_exchange *item, const unsigned char *resp, size_t len)
{
	free(item->response);
	item->response = malloc(len);
	if (item->response == NULL) {
		item->status = ST_SYSTEM;
		return;
	}
	memcpy(item->response, resp, len);
	item->response_len = len;
	item->rcode = resp[3] & 0x0f;
	item->authoritative = (resp[2] & 0x04) != 0;
	item->authenticated = (resp[3] & 0x20) != 0;
	item->recursion_available = (resp[3] & 0x80) != 0;
	item->status = ST_OK;
}

/* Waits until fd is ready for events or the deadline passes; returns 1 when ready. */
static int
wait_fd(int fd, short events, double deadline)
{
	for (;;) {
		struct pollfd pfd = { fd, events, 0 };
		double left = deadline - clock_now();
		int rc;

		if (left <= 0)
			return 0;
		rc = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (rc < 0 && errno == EINTR)
			continue;
		return rc > 0 && (pfd.revents & (events | POLLERR | POLLHUP)) != 0;
	}
}

/* Sends all of buf on a blocking-free socket before the deadline. */
static int
send_all(int fd, const unsigned char *buf, size_t len, double deadline)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n;

		if (!wait_fd(fd, POLLOUT, deadline))
			return -1;
		n = send(fd, buf + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

static int
recv_all(int fd, unsigned char *buf, size_t len, double deadline)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n;

		if (!wait_fd(fd, POLLIN, deadline))
			return -1;
		n = recv(fd, buf + off, len - off, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* Repeats one query over TCP (RFC 7766), used after a truncated UDP answer. */
static void
exchange_tcp(struct dns_exchange *item, double timeout)
{
	unsigned char query[DNS_QUERY_MAX + 2];
	unsigned char lenbuf[2];
	unsigned char *resp = NULL;
	double deadline = clock_now() + timeout;
	size_t rlen;
	int qlen;
	int fd;

	item->status = ST_TIMEOUT;
	qlen = build_query(item, query + 2, DNS_QUERY_MAX);
	if (qlen < 0) {
		item->status = ST_SYSTEM;
		return;
	}
	query[0] = (unsigned char)(qlen >> 8);
	query[1] = (unsigned char)(qlen & 0xff);
	fd = socket(item->server->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		item->status = ST_SYSTEM;
		return;
	}
	if (connect(fd, (const struct sockaddr *)&item->server->ss, item->server->len) != 0 &&
	    errno != EINPROGRESS)
		goto out;
	if (send_all(fd, query, (size_t)qlen + 2, deadline) != 0)
		goto out;
	if (recv_all(fd, lenbuf, 2, deadline) != 0)
		goto out;
	rlen = ((size_t)lenbuf[0] << 8) | lenbuf[1];
	resp = malloc(rlen > 0 ? rlen : 1);
	if (resp == NULL || recv_all(fd, resp, rlen, deadline) != 0)
		goto out;
	if (response_matches(query + 2, qlen, resp, rlen)) {
		store_response(item, resp, rlen);
		item->via_tcp = 1;
	}
out:
	free(resp);
	close(fd);
}

struct udp_slot {
	int fd;
	unsigned char query[DNS_QUERY_MAX];
	int qlen;
	int tries_left;
	double deadline;
	int done;
	int truncated;
};

static int
udp_send(struct udp_slot *slot, double timeout)
{
	slot->deadline = clock_now() + timeout;
	slot->tries_left--;
	if (send(slot->fd, slot->query, (size_t)slot->qlen, MSG_NOSIGNAL) < 0)
		return -1;
	return 0;
}

/* Runs one batch of at most DNS_BATCH queries over UDP. */
static enum status
exchange_udp_batch(struct dns_exchange *items, size_t count, double timeout, int tries, struct err *e)
{
	struct udp_slot slots[DNS_BATCH];
	struct pollfd pfds[DNS_BATCH];
	unsigned char resp[DNS_UDP_MAX + 1];
	size_t open_count = 0;
	size_t i;

	for (i = 0; i < count; i++) {
		struct udp_slot *slot = &slots[i];

		memset(slot, 0, sizeof(*slot));
		slot->fd = -1;
		slot->tries_left = tries;
		dns_exchange_reset(&items[i]);
		slot->qlen = build_query(&items[i], slot->query, sizeof(slot->query));
		if (slot->qlen < 0) {
			items[i].status = err_set(e, ST_USAGE, "cannot build a DNS query for '%s'", items[i].qname);
			slot->done = 1;
			continue;
		}
		slot->fd = socket(items[i].server->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		/* connect() makes the kernel drop datagrams from any other address. */
		if (slot->fd < 0 ||
		    connect(slot->fd, (const struct sockaddr *)&items[i].server->ss, items[i].server->len) != 0 ||
		    udp_send(slot, timeout) != 0) {
			items[i].status = ST_TRANSIENT;
			slot->done = 1;
			continue;
		}
		open_count++;
	}

	while (open_count > 0) {
		double now = clock_now();
		double next = now + timeout;
		size_t nfds = 0;
		size_t map[DNS_BATCH];
		int rc;

		for (i = 0; i < count; i++) {
			if (slots[i].done)
				continue;
			if (slots[i].deadline <= now) {
				if (slots[i].tries_left > 0 && udp_send(&slots[i], timeout) == 0) {
					/* sent again */
				} else {
					items[i].status = ST_TIMEOUT;
					slots[i].done = 1;
					open_count--;
					continue;
				}
			}
			if (slots[i].deadline < next)
				next = slots[i].deadline;
			pfds[nfds].fd = slots[i].fd;
			pfds[nfds].events = POLLIN;
			pfds[nfds].revents = 0;
			map[nfds++] = i;
		}
		if (nfds == 0)
			break;
		rc = poll(pfds, nfds, (int)((next - now) * 1000) + 1);
		if (rc < 0 && errno != EINTR) {
			err_set(e, ST_SYSTEM, "poll failed: %s", strerror(errno));
			break;
		}
		for (i = 0; rc > 0 && i < nfds; i++) {
			struct udp_slot *slot = &slots[map[i]];
			struct dns_exchange *item = &items[map[i]];
			ssize_t n;

			if (pfds[i].revents == 0)
				continue;
			n = recv(slot->fd, resp, sizeof(resp), 0);
			if (n < 0 && errno == ECONNREFUSED) {
				item->status = ST_TRANSIENT;
				slot->done = 1;
				open_count--;
				continue;
			}
			if (n <= 0 || !response_matches(slot->query, slot->qlen, resp, (size_t)n))
				continue;	/* stray or spoofed datagram: keep waiting */
			if (resp[2] & 0x02)
				slot->truncated = 1;
			else
				store_response(item, resp, (size_t)n);
			slot->done = 1;
			open_count--;
		}
	}
	for (i = 0; i < count; i++) {
		if (slots[i].fd >= 0)
			close(slots[i].fd);
		if (slots[i].truncated)
			exchange_tcp(&items[i], timeout * tries);
	}
	return ST_OK;
}

enum status
dns_exchange_all(struct dns_exchange *items, size_t count, double timeout, int tries, struct err *e)
{
	size_t done = 0;

	while (done < count) {
		size_t batch = count - done < DNS_BATCH ? count - done : DNS_BATCH;
		enum status st = exchange_udp_batch(items + done, batch, timeout, tries, e);

		if (st != ST_OK)
			return st;
		done += batch;
	}
	return ST_OK;
}

int
dns_for_each_answer(const unsigned char *msg, size_t len, const char *qname, int qtype, int section,
    dns_record_fn fn, void *ctx)
{
	ns_msg handle;
	int count;
	int i;

	if (ns_initparse(msg, (int)len, &handle) < 0)
		return -1;
	count = ns_msg_count(handle, (ns_sect)section);
	for (i = 0; i < count; i++) {
		ns_rr rr;

		if (ns_parserr(&handle, (ns_sect)section, i, &rr) < 0)
			return -1;
		if (ns_rr_class(rr) != ns_c_in || (int)ns_rr_type(rr) != qtype)
			continue;
		if (qname != NULL && strcasecmp(ns_rr_name(rr), qname) != 0)
			continue;
		fn(ctx, msg, len, ns_rr_rdata(rr), ns_rr_rdlen(rr));
	}
	return 0;
}

int
dns_expand_name(const unsigned char *msg, size_t msglen, const unsigned char *src, char *out, size_t size)
{
	if (dn_expand(msg, msg + msglen, src, out, (int)size) < 0)
		return -1;
	return 0;
}

int
dns_txt_join(const unsigned char *rdata, size_t rdlen, char *out, size_t size)
{
	size_t off = 0;
	size_t used = 0;

	if (size == 0)
		return -1;
	while (off < rdlen) {
		size_t n = rdata[off++];

		if (off + n > rdlen || used + n + 1 > size)
			return -1;
		memcpy(out + used, rdata + off, n);
		used += n;
		off += n;
	}
	out[used] = '\0';
	return 0;
}

int
dns_system_resolvers(struct dns_server_addr *out, int max)
{
	char line[512];
	int count = 0;
	FILE *f = fopen("/etc/resolv.conf", "re");

	if (f == NULL)
		return 0;
	while (count < max && fgets(line, sizeof(line), f) != NULL) {
		char addr[INET6_ADDRSTRLEN + 1];
		char *percent;

		if (sscanf(line, " nameserver %46s", addr) != 1)
			continue;
		/* Drop a zone index such as "%eth0": the address is enough for loopback and global scopes. */
		percent = strchr(addr, '%');
		if (percent != NULL)
			*percent = '\0';
		if (dns_parse_server_addr(addr, &out[count], NULL) == ST_OK)
			count++;
	}
	fclose(f);
	return count;
}

struct answer_search {
	const char *value;
	int found;
};

static void
match_cname(void *ctx, const unsigned char *msg, size_t msglen, const unsigned char *rdata, size_t rdlen)
{
	struct answer_search *s = ctx;
	char target[DNS_MSG_MAX];
	size_t len;

	(void)rdlen;
	if (dns_expand_name(msg, msglen, rdata, target, sizeof(target)) != 0)
		return;
	len = strlen(s->value);
	if (len > 0 && s->value[len - 1] == '.')
		len--;
	if (strlen(target) == len && strncasecmp(target, s->value, len) == 0)
		s->found = 1;
}

static void
match_txt(void *ctx, const unsigned char *msg, size_t msglen, const unsigned char *rdata, size_t rdlen)
{
	struct answer_search *s = ctx;
	char text[DNS_MSG_MAX];

	(void)msg;
	(void)msglen;
	if (dns_txt_join(rdata, rdlen, text, sizeof(text)) == 0 && strcmp(text, s->value) == 0)
		s->found = 1;
}

int
dns_answer_contains(const unsigned char *msg, size_t len, const char *qname, int qtype, const char *value)
{
	struct answer_search s = { value, 0 };

	if (dns_for_each_answer(msg, len, qname, qtype, ns_s_an, qtype == ns_t_cname ? match_cname : match_txt, &s) != 0)
		return 0;
	return s.found;
}

const char *
dns_rcode_name(int rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };

	if (rcode >= 0 && rcode < (int)(sizeof(names) / sizeof(names[0])))
		return names[rcode];
	return "an unknown response code";
}
