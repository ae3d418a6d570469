/* Unit tests for common/dns.c: server addresses, TXT rdata and DNS messages built byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "dns.h"

/* Parses text and checks family, address and port of the result. */
static void
assert_server_addr(const char *text, int family, const char *address, unsigned port)
{
	struct dns_server_addr addr;
	char shown[INET6_ADDRSTRLEN];
	struct err e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(dns_parse_server_addr(text, &addr, &e), ST_OK);
	assert_int_equal(addr.ss.ss_family, family);
	if (family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&addr.ss;

		assert_int_equal(addr.len, sizeof(struct sockaddr_in));
		assert_non_null(inet_ntop(AF_INET, &sin->sin_addr, shown, sizeof(shown)));
		assert_int_equal(ntohs(sin->sin_port), port);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&addr.ss;

		assert_int_equal(addr.len, sizeof(struct sockaddr_in6));
		assert_non_null(inet_ntop(AF_INET6, &sin6->sin6_addr, shown, sizeof(shown)));
		assert_int_equal(ntohs(sin6->sin6_port), port);
	}
	assert_string_equal(shown, address);
}

static void
assert_server_addr_rejected(const char *text)
{
	struct dns_server_addr addr;
	struct err e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(dns_parse_server_addr(text, &addr, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "invalid DNS server address"));
}

/* Parses text, formats it again and checks the formatted form. */
static void
assert_formats_as(const char *text, const char *expected)
{
	struct dns_server_addr addr;
	char buf[64];
	struct err e;

	assert_int_equal(dns_parse_server_addr(text, &addr, &e), ST_OK);
	dns_format_addr(&addr, buf, sizeof(buf));
	assert_string_equal(buf, expected);
}

static void
addr_ipv4(void **state)
{
	(void)state;
	assert_server_addr("1.2.3.4", AF_INET, "1.2.3.4", 53);
}

static void
addr_ipv4_port(void **state)
{
	(void)state;
	assert_server_addr("1.2.3.4:5353", AF_INET, "1.2.3.4", 5353);
	assert_server_addr("127.0.0.1:1", AF_INET, "127.0.0.1", 1);
	assert_server_addr("127.0.0.1:65535", AF_INET, "127.0.0.1", 65535);
}

static void
addr_ipv6(void **state)
{
	(void)state;
	assert_server_addr("::1", AF_INET6, "::1", 53);
	assert_server_addr("2001:db8::53", AF_INET6, "2001:db8::53", 53);
}

static void
addr_ipv6_brackets(void **state)
{
	(void)state;
	assert_server_addr("[::1]:53", AF_INET6, "::1", 53);
	assert_server_addr("[::1]:5353", AF_INET6, "::1", 5353);
	assert_server_addr("[2001:db8::1]", AF_INET6, "2001:db8::1", 53);
}

static void
addr_invalid(void **state)
{
	static const char *const texts[] = {
		"", "localhost", "ns1.example.com", "1.2.3", "256.1.1.1", "1.2.3.4:", "1.2.3.4:0",
		"1.2.3.4:65536", "1.2.3.4:53x", "1.2.3.4:port", "[::1", "[::1]x", "[::1]:", "[::1]:0",
		"[]:53", "[nothost]:53", "fe80::1%eth0",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		assert_server_addr_rejected(texts[i]);
}

static void
addr_invalid_names_input(void **state)
{
	struct dns_server_addr addr;
	struct err e;

	(void)state;
	assert_int_equal(dns_parse_server_addr("1.2.3.4:99999", &addr, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "'1.2.3.4:99999'"));
}

static void
format_default_port(void **state)
{
	(void)state;
	assert_formats_as("192.0.2.53", "192.0.2.53");
	assert_formats_as("[2001:db8::53]:53", "2001:db8::53");
}

static void
format_other_port(void **state)
{
	(void)state;
	assert_formats_as("127.0.0.1:5353", "127.0.0.1:5353");
	assert_formats_as("[::1]:5353", "[::1]:5353");
}

static void
txt_join_single_string(void **state)
{
	static const unsigned char rdata[] = { 5, 'h', 'e', 'l', 'l', 'o' };
	char out[64];

	(void)state;
	assert_int_equal(dns_txt_join(rdata, sizeof(rdata), out, sizeof(out)), 0);
	assert_string_equal(out, "hello");
}

static void
txt_join_several_strings(void **state)
{
	static const unsigned char rdata[] = { 3, 'a', 'b', 'c', 0, 2, 'd', 'e', 1, 'f' };
	char out[64];

	(void)state;
	assert_int_equal(dns_txt_join(rdata, sizeof(rdata), out, sizeof(out)), 0);
	assert_string_equal(out, "abcdef");
}

static void
txt_join_long_strings(void **state)
{
	unsigned char rdata[2 * 256];
	char out[600];

	(void)state;
	rdata[0] = 255;
	memset(rdata + 1, 'x', 255);
	rdata[256] = 255;
	memset(rdata + 257, 'y', 255);
	assert_int_equal(dns_txt_join(rdata, sizeof(rdata), out, sizeof(out)), 0);
	assert_int_equal(strlen(out), 510);
	assert_int_equal(out[254], 'x');
	assert_int_equal(out[255], 'y');
}

static void
txt_join_empty_rdata(void **state)
{
	static const unsigned char empty_string[] = { 0 };
	char out[8] = "junk";

	(void)state;
	assert_int_equal(dns_txt_join(empty_string, 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	strcpy(out, "junk");
	assert_int_equal(dns_txt_join(empty_string, sizeof(empty_string), out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void
txt_join_length_past_end(void **state)
{
	static const unsigned char short_string[] = { 5, 'a', 'b' };
	static const unsigned char second_short[] = { 1, 'a', 4, 'b', 'c' };
	static const unsigned char length_only[] = { 3, 'a', 'b', 'c', 1 };
	char out[64];

	(void)state;
	assert_int_equal(dns_txt_join(short_string, sizeof(short_string), out, sizeof(out)), -1);
	assert_int_equal(dns_txt_join(second_short, sizeof(second_short), out, sizeof(out)), -1);
	assert_int_equal(dns_txt_join(length_only, sizeof(length_only), out, sizeof(out)), -1);
}

static void
txt_join_output_size(void **state)
{
	static const unsigned char rdata[] = { 3, 'a', 'b', 'c', 3, 'd', 'e', 'f' };
	char out[8];

	(void)state;
	assert_int_equal(dns_txt_join(rdata, sizeof(rdata), out, 7), 0);
	assert_string_equal(out, "abcdef");
	assert_int_equal(dns_txt_join(rdata, sizeof(rdata), out, 6), -1);
}

static void
txt_join_zero_size_output(void **state)
{
	static const unsigned char rdata[] = { 0 };
	char out[4] = "xyz";

	(void)state;
	assert_int_equal(dns_txt_join(rdata, 0, out, 0), -1);
	assert_int_equal(out[0], 'x');
}

/* A DNS message under construction. */
struct msg {
	unsigned char data[512];
	size_t len;
};

static void
put_u8(struct msg *m, unsigned value)
{
	assert_true(m->len < sizeof(m->data));
	m->data[m->len++] = (unsigned char)value;
}

static void
put_u16(struct msg *m, unsigned value)
{
	put_u8(m, (value >> 8) & 0xff);
	put_u8(m, value & 0xff);
}

static void
put_u32(struct msg *m, unsigned long value)
{
	put_u16(m, (unsigned)(value >> 16) & 0xffff);
	put_u16(m, (unsigned)value & 0xffff);
}

static void
put_bytes(struct msg *m, const void *data, size_t len)
{
	assert_true(m->len + len <= sizeof(m->data));
	memcpy(m->data + m->len, data, len);
	m->len += len;
}

/* Appends dotted as uncompressed labels, then the root label, or a compression pointer when pointer is nonzero. */
static void
put_name(struct msg *m, const char *dotted, unsigned pointer)
{
	while (*dotted != '\0') {
		const char *dot = strchr(dotted, '.');
		size_t len = dot != NULL ? (size_t)(dot - dotted) : strlen(dotted);

		put_u8(m, (unsigned)len);
		put_bytes(m, dotted, len);
		dotted += len;
		if (*dotted == '.')
			dotted++;
	}
	if (pointer != 0)
		put_u16(m, 0xc000 | pointer);
	else
		put_u8(m, 0);
}

static void
put_header(struct msg *m, unsigned flags, unsigned qd, unsigned an, unsigned ns, unsigned ar)
{
	m->len = 0;
	put_u16(m, 0x1234);
	put_u16(m, flags);
	put_u16(m, qd);
	put_u16(m, an);
	put_u16(m, ns);
	put_u16(m, ar);
}

/* Appends the type, class, TTL and rdata length of a resource record after its owner name. */
static void
put_rr_fixed(struct msg *m, unsigned type, unsigned class, unsigned rdlen)
{
	put_u16(m, type);
	put_u16(m, class);
	put_u32(m, 300);
	put_u16(m, rdlen);
}

/* Flags of an authoritative answer: QR and AA set, RCODE NOERROR. */
#define FLAGS_AA_ANSWER 0x8400
/* Offset of the question name, the first byte after the 12-octet header. */
#define QNAME_OFFSET 12

/*
 * Builds a response for _acme-challenge.example.com TXT with five records in
 * the answer section. Two are TXT records at the name, the second made of two
 * strings. The others are a TXT record at another name, a CNAME at the name
 * and a TXT record of class CH at the name.
 */
static void
build_txt_response(struct msg *m)
{
	static const unsigned char first[] = { 5, 'v', 'a', 'l', 'u', 'e' };
	static const unsigned char split[] = { 3, 'a', 'b', 'c', 3, 'd', 'e', 'f' };
	static const unsigned char other[] = { 5, 'o', 't', 'h', 'e', 'r' };
	static const unsigned char chaos[] = { 5, 'c', 'h', 'a', 'o', 's' };

	put_header(m, FLAGS_AA_ANSWER, 1, 5, 0, 0);
	put_name(m, "_acme-challenge.example.com", 0);
	put_u16(m, ns_t_txt);
	put_u16(m, ns_c_in);

	put_u16(m, 0xc000 | QNAME_OFFSET);
	put_rr_fixed(m, ns_t_txt, ns_c_in, sizeof(first));
	put_bytes(m, first, sizeof(first));

	put_u16(m, 0xc000 | QNAME_OFFSET);
	put_rr_fixed(m, ns_t_txt, ns_c_in, sizeof(split));
	put_bytes(m, split, sizeof(split));

	/* "other" plus a pointer to "example.com", 16 octets into the question name. */
	put_name(m, "other", QNAME_OFFSET + 16);
	put_rr_fixed(m, ns_t_txt, ns_c_in, sizeof(other));
	put_bytes(m, other, sizeof(other));

	put_u16(m, 0xc000 | QNAME_OFFSET);
	put_rr_fixed(m, ns_t_cname, ns_c_in, 2);
	put_u16(m, 0xc000 | (QNAME_OFFSET + 16));

	put_u16(m, 0xc000 | QNAME_OFFSET);
	put_rr_fixed(m, ns_t_txt, ns_c_chaos, sizeof(chaos));
	put_bytes(m, chaos, sizeof(chaos));
}

/* Offsets of the NS target names in the referral, for glue names that point at them. */
struct referral_offsets {
	unsigned ns1;
	unsigned ns2;
};

/*
 * Builds a referral for example.com NS with an empty answer section. The
 * authority section has two NS records whose targets are compressed against
 * the question name. The additional section has glue (A and AAAA for ns1, A
 * for ns2) whose owner names point into the NS rdata.
 */
static void
build_referral(struct msg *m, struct referral_offsets *off)
{
	static const unsigned char ns1_v4[] = { 127, 0, 0, 53 };
	static const unsigned char ns2_v4[] = { 127, 0, 0, 54 };
	unsigned char ns1_v6[16] = { 0 };

	ns1_v6[15] = 1;
	put_header(m, 0x8000, 1, 0, 2, 3);
	put_name(m, "example.com", 0);
	put_u16(m, ns_t_ns);
	put_u16(m, ns_c_in);

	put_u16(m, 0xc000 | QNAME_OFFSET);
	put_rr_fixed(m, ns_t_ns, ns_c_in, 6);
	off->ns1 = (unsigned)m->len;
	put_name(m, "ns1", QNAME_OFFSET);

	put_u16(m, 0xc000 | QNAME_OFFSET);
	put_rr_fixed(m, ns_t_ns, ns_c_in, 6);
	off->ns2 = (unsigned)m->len;
	put_name(m, "ns2", QNAME_OFFSET);

	put_u16(m, 0xc000 | off->ns1);
	put_rr_fixed(m, ns_t_a, ns_c_in, sizeof(ns1_v4));
	put_bytes(m, ns1_v4, sizeof(ns1_v4));

	put_u16(m, 0xc000 | off->ns1);
	put_rr_fixed(m, ns_t_aaaa, ns_c_in, sizeof(ns1_v6));
	put_bytes(m, ns1_v6, sizeof(ns1_v6));

	put_u16(m, 0xc000 | off->ns2);
	put_rr_fixed(m, ns_t_a, ns_c_in, sizeof(ns2_v4));
	put_bytes(m, ns2_v4, sizeof(ns2_v4));
}

/* Values that the callbacks collected: TXT values, NS target names or addresses, one per record. */
struct seen {
	char text[8][256];
	int count;
};

static void
collect_txt(void *ctx, const unsigned char *msg, size_t msglen, const unsigned char *rdata, size_t rdlen)
{
	struct seen *s = ctx;

	(void)msg;
	(void)msglen;
	assert_true(s->count < 8);
	assert_int_equal(dns_txt_join(rdata, rdlen, s->text[s->count], sizeof(s->text[0])), 0);
	s->count++;
}

static void
collect_name(void *ctx, const unsigned char *msg, size_t msglen, const unsigned char *rdata, size_t rdlen)
{
	struct seen *s = ctx;

	(void)rdlen;
	assert_true(s->count < 8);
	assert_int_equal(dns_expand_name(msg, msglen, rdata, s->text[s->count], sizeof(s->text[0])), 0);
	s->count++;
}

static void
collect_address(void *ctx, const unsigned char *msg, size_t msglen, const unsigned char *rdata, size_t rdlen)
{
	struct seen *s = ctx;

	(void)msg;
	(void)msglen;
	assert_true(s->count < 8);
	assert_true(rdlen == 4 || rdlen == 16);
	assert_non_null(inet_ntop(rdlen == 4 ? AF_INET : AF_INET6, rdata, s->text[s->count], sizeof(s->text[0])));
	s->count++;
}

static void
answer_txt_records(void **state)
{
	struct msg m;
	struct seen s = { .count = 0 };

	(void)state;
	build_txt_response(&m);
	assert_int_equal(dns_for_each_answer(m.data, m.len, "_acme-challenge.example.com", ns_t_txt, ns_s_an,
	    collect_txt, &s), 0);
	assert_int_equal(s.count, 2);
	assert_string_equal(s.text[0], "value");
	assert_string_equal(s.text[1], "abcdef");
}

static void
answer_name_case_insensitive(void **state)
{
	struct msg m;
	struct seen s = { .count = 0 };

	(void)state;
	build_txt_response(&m);
	assert_int_equal(dns_for_each_answer(m.data, m.len, "_ACME-Challenge.Example.COM", ns_t_txt, ns_s_an,
	    collect_txt, &s), 0);
	assert_int_equal(s.count, 2);
}

static void
answer_any_name(void **state)
{
	struct msg m;
	struct seen s = { .count = 0 };

	(void)state;
	build_txt_response(&m);
	assert_int_equal(dns_for_each_answer(m.data, m.len, NULL, ns_t_txt, ns_s_an, collect_txt, &s), 0);
	assert_int_equal(s.count, 3);
	assert_string_equal(s.text[2], "other");
}

static void
answer_compressed_owner(void **state)
{
	struct msg m;
	struct seen s = { .count = 0 };

	(void)state;
	build_txt_response(&m);
	assert_int_equal(dns_for_each_answer(m.data, m.len, "other.example.com", ns_t_txt, ns_s_an, collect_txt, &s),
	    0);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.text[0], "other");
}

static void
answer_cname_target(void **state)
{
	struct msg m;
	struct seen s = { .count = 0 };

	(void)state;
	build_txt_response(&m);
	assert_int_equal(dns_for_each_answer(m.data, m.len, "_acme-challenge.example.com", ns_t_cname, ns_s_an,
	    collect_name, &s), 0);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.text[0], "example.com");
}

static void
answer_other_section_empty(void **state)
{
	struct msg m;
	struct seen s = { .count = 0 };

	(void)state;
	build_txt_response(&m);
	assert_int_equal(dns_for_each_answer(m.data, m.len, NULL, ns_t_txt, ns_s_ns, collect_txt, &s), 0);
	assert_int_equal(s.count, 0);
}

static void
referral_ns_names(void **state)
{
	struct msg m;
	struct referral_offsets off;
	struct seen s = { .count = 0 };

	(void)state;
	build_referral(&m, &off);
	assert_int_equal(dns_for_each_answer(m.data, m.len, "example.com", ns_t_ns, ns_s_ns, collect_name, &s), 0);
	assert_int_equal(s.count, 2);
	assert_string_equal(s.text[0], "ns1.example.com");
	assert_string_equal(s.text[1], "ns2.example.com");
}

static void
referral_no_answers(void **state)
{
	struct msg m;
	struct referral_offsets off;
	struct seen s = { .count = 0 };

	(void)state;
	build_referral(&m, &off);
	assert_int_equal(dns_for_each_answer(m.data, m.len, "example.com", ns_t_ns, ns_s_an, collect_name, &s), 0);
	assert_int_equal(s.count, 0);
}

static void
referral_glue_ipv4(void **state)
{
	struct msg m;
	struct referral_offsets off;
	struct seen s = { .count = 0 };

	(void)state;
	build_referral(&m, &off);
	assert_int_equal(dns_for_each_answer(m.data, m.len, "ns1.example.com", ns_t_a, ns_s_ar, collect_address, &s),
	    0);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.text[0], "127.0.0.53");

	s.count = 0;
	assert_int_equal(dns_for_each_answer(m.data, m.len, "ns2.example.com", ns_t_a, ns_s_ar, collect_address, &s),
	    0);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.text[0], "127.0.0.54");
}

static void
referral_glue_ipv6(void **state)
{
	struct msg m;
	struct referral_offsets off;
	struct seen s = { .count = 0 };

	(void)state;
	build_referral(&m, &off);
	assert_int_equal(dns_for_each_answer(m.data, m.len, "ns1.example.com", ns_t_aaaa, ns_s_ar, collect_address,
	    &s), 0);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.text[0], "::1");

	s.count = 0;
	assert_int_equal(dns_for_each_answer(m.data, m.len, "ns2.example.com", ns_t_aaaa, ns_s_ar, collect_address,
	    &s), 0);
	assert_int_equal(s.count, 0);
}

static void
message_truncated(void **state)
{
	struct msg m;
	struct seen s = { .count = 0 };
	size_t full;
	size_t cut;

	(void)state;
	build_txt_response(&m);
	full = m.len;
	for (cut = 1; cut < full; cut++) {
		s.count = 0;
		assert_int_equal(dns_for_each_answer(m.data, full - cut, NULL, ns_t_txt, ns_s_an, collect_txt, &s), -1);
	}
}

static void
message_garbage(void **state)
{
	static const unsigned char garbage[] = { 0xde, 0xad, 0xbe, 0xef, 0x00 };
	struct seen s = { .count = 0 };

	(void)state;
	assert_int_equal(dns_for_each_answer(garbage, sizeof(garbage), NULL, ns_t_txt, ns_s_an, collect_txt, &s), -1);
	assert_int_equal(dns_for_each_answer(garbage, 0, NULL, ns_t_txt, ns_s_an, collect_txt, &s), -1);
	assert_int_equal(s.count, 0);
}

static void
message_count_too_high(void **state)
{
	struct msg m;
	struct seen s = { .count = 0 };

	(void)state;
	build_txt_response(&m);
	m.data[7] = 6;
	assert_int_equal(dns_for_each_answer(m.data, m.len, NULL, ns_t_txt, ns_s_an, collect_txt, &s), -1);
}

static void
message_trailing_byte(void **state)
{
	struct msg m;
	struct seen s = { .count = 0 };

	(void)state;
	build_txt_response(&m);
	put_u8(&m, 0);
	assert_int_equal(dns_for_each_answer(m.data, m.len, NULL, ns_t_txt, ns_s_an, collect_txt, &s), -1);
}

static void
message_pointer_loop(void **state)
{
	struct msg m;
	struct seen s = { .count = 0 };
	unsigned loop_offset;

	(void)state;
	put_header(&m, FLAGS_AA_ANSWER, 1, 1, 0, 0);
	put_name(&m, "example.com", 0);
	put_u16(&m, ns_t_txt);
	put_u16(&m, ns_c_in);
	loop_offset = (unsigned)m.len;
	put_u16(&m, 0xc000 | loop_offset);
	put_rr_fixed(&m, ns_t_txt, ns_c_in, 2);
	put_u8(&m, 1);
	put_u8(&m, 'x');
	assert_int_equal(dns_for_each_answer(m.data, m.len, NULL, ns_t_txt, ns_s_an, collect_txt, &s), -1);
	assert_int_equal(s.count, 0);
}

static void
expand_name_bad_pointer(void **state)
{
	struct msg m;
	char name[256];

	(void)state;
	put_header(&m, FLAGS_AA_ANSWER, 0, 0, 0, 0);
	put_u16(&m, 0xc000 | 400);
	assert_int_equal(dns_expand_name(m.data, m.len, m.data + 12, name, sizeof(name)), -1);
}

static void
rcode_names(void **state)
{
	(void)state;
	assert_string_equal(dns_rcode_name(0), "NOERROR");
	assert_string_equal(dns_rcode_name(3), "NXDOMAIN");
	assert_string_equal(dns_rcode_name(5), "REFUSED");
	assert_string_equal(dns_rcode_name(-1), "an unknown response code");
	assert_string_equal(dns_rcode_name(16), "an unknown response code");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addr_ipv4),
		cmocka_unit_test(addr_ipv4_port),
		cmocka_unit_test(addr_ipv6),
		cmocka_unit_test(addr_ipv6_brackets),
		cmocka_unit_test(addr_invalid),
		cmocka_unit_test(addr_invalid_names_input),
		cmocka_unit_test(format_default_port),
		cmocka_unit_test(format_other_port),
		cmocka_unit_test(txt_join_single_string),
		cmocka_unit_test(txt_join_several_strings),
		cmocka_unit_test(txt_join_long_strings),
		cmocka_unit_test(txt_join_empty_rdata),
		cmocka_unit_test(txt_join_length_past_end),
		cmocka_unit_test(txt_join_output_size),
		cmocka_unit_test(txt_join_zero_size_output),
		cmocka_unit_test(answer_txt_records),
		cmocka_unit_test(answer_name_case_insensitive),
		cmocka_unit_test(answer_any_name),
		cmocka_unit_test(answer_compressed_owner),
		cmocka_unit_test(answer_cname_target),
		cmocka_unit_test(answer_other_section_empty),
		cmocka_unit_test(referral_ns_names),
		cmocka_unit_test(referral_no_answers),
		cmocka_unit_test(referral_glue_ipv4),
		cmocka_unit_test(referral_glue_ipv6),
		cmocka_unit_test(message_truncated),
		cmocka_unit_test(message_garbage),
		cmocka_unit_test(message_count_too_high),
		cmocka_unit_test(message_trailing_byte),
		cmocka_unit_test(message_pointer_loop),
		cmocka_unit_test(expand_name_bad_pointer),
		cmocka_unit_test(rcode_names),
	};

	return cmocka_run_group_tests_name("dns", tests, NULL, NULL);
}
