/*
 * Fuzzes the reading of DNS responses (common/dns.h): dns_for_each_answer
 * over every section and the record types the hooks look at, and, on each
 * record it hands out, dns_txt_join and dns_expand_name.
 */
#include <arpa/nameser.h>

#include "dns.h"
#include "fuzz_common.h"

struct visit {
	int qtype;
	size_t records;
};

static void
on_record(void *ctx, const unsigned char *msg, size_t msglen, const unsigned char *rdata, size_t rdlen)
{
	struct visit *v = ctx;
	char text[DNS_MSG_MAX];
	char small[16];
	char name[NS_MAXDNAME];

	v->records++;
	FUZZ_CHECK(rdata >= msg && rdata + rdlen <= msg + msglen);
	if (v->qtype == ns_t_txt) {
		if (dns_txt_join(rdata, rdlen, text, sizeof(text)) == 0)
			FUZZ_CHECK(strlen(text) < rdlen || rdlen == 0 || strlen(text) <= rdlen);
		if (dns_txt_join(rdata, rdlen, small, sizeof(small)) == 0)
			FUZZ_CHECK(strnlen(small, sizeof(small)) < sizeof(small));
	} else if (v->qtype == ns_t_ns || v->qtype == ns_t_cname) {
		if (dns_expand_name(msg, msglen, rdata, name, sizeof(name)) == 0)
			fuzz_check_printable(name, sizeof(name));
		if (dns_expand_name(msg, msglen, rdata, small, sizeof(small)) == 0)
			fuzz_check_printable(small, sizeof(small));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int types[] = { ns_t_txt, ns_t_ns, ns_t_cname, ns_t_a, ns_t_aaaa };
	static const int sections[] = { ns_s_an, ns_s_ns, ns_s_ar };
	static const char *const names[] = { NULL, "_acme-challenge.example.test", "example.test" };
	size_t t;
	size_t s;
	size_t n;

	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		for (s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
			for (n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
				struct visit v = { types[t], 0 };
				int rc = dns_for_each_answer(data, size, names[n], types[t], sections[s], on_record, &v);

				FUZZ_CHECK(rc == 0 || rc == -1);
			}
		}
	}
	return 0;
}
