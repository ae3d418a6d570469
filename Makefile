# dns01-hooks: certbot DNS-01 hooks for Cloudflare and Alibaba Cloud DNS.
#
#   make            build build/bin/dns01-auth and build/bin/dns01-cleanup
#   make check      install test dependencies (Debian), then run every test,
#                   also under AddressSanitizer and UndefinedBehaviorSanitizer
#   make demo       issue a certificate from a local test CA through certbot
#   make bench      compare with certbot-dns-cloudflare and lego on the local
#                   rig, and measure the hooks' overhead (see BENCHMARKS.md)
#   make install    install to $(DESTDIR)$(PREFIX)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
BUILD ?= build
SAN ?= 0

PKGS := libcurl jansson libidn2 openssl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lresolv

WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation
CFLAGS ?= -O2 -g
HARDEN_CFLAGS := -fstack-protector-strong -fPIE
HARDEN_LDFLAGS := -pie -Wl,-z,relro,-z,now
ifeq ($(SAN),1)
  CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  LDFLAGS += -fsanitize=address,undefined
else
  HARDEN_CFLAGS += -D_FORTIFY_SOURCE=2
endif
ifeq ($(WERROR),1)
  WARNINGS += -Werror
endif

ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(HARDEN_CFLAGS) $(CFLAGS) \
	-Icommon -Iproviders -Iauth-hook -Icleanup-hook $(PKG_CFLAGS)
ALL_LDFLAGS := $(HARDEN_LDFLAGS) $(LDFLAGS)

COMMON_SRC := $(wildcard common/*.c) $(wildcard providers/*.c)
AUTH_SRC := $(wildcard auth-hook/*.c)
CLEANUP_SRC := $(wildcard cleanup-hook/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)

COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
AUTH_OBJ := $(AUTH_SRC:%.c=$(BUILD)/obj/%.o)
CLEANUP_OBJ := $(CLEANUP_SRC:%.c=$(BUILD)/obj/%.o)
HOOK_LIB_OBJ := $(filter-out %/main.o,$(AUTH_OBJ) $(CLEANUP_OBJ))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all asan unit check demo install uninstall clean bench deps
all: $(BUILD)/bin/dns01-auth $(BUILD)/bin/dns01-cleanup

$(BUILD)/obj/%.o: %.c $(wildcard common/*.h providers/*.h auth-hook/*.h cleanup-hook/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/lib/libdns01.a: $(COMMON_OBJ) $(HOOK_LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/bin/dns01-auth: $(BUILD)/obj/auth-hook/main.o $(BUILD)/lib/libdns01.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/bin/dns01-cleanup: $(BUILD)/obj/cleanup-hook/main.o $(BUILD)/lib/libdns01.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testdir.c tests/unit/testdir.h $(BUILD)/lib/libdns01.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< tests/unit/testdir.c $(BUILD)/lib/libdns01.a $(PKG_LIBS) -lcmocka

unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

asan:
	$(MAKE) BUILD=build/asan SAN=1 all

deps:
	@tests/deps.sh

check: deps
	tests/check.sh

demo: deps
	tests/demo.sh

bench: deps
	bench/run.sh

# Installed files: the programs, their man pages, the acme.sh DNS API file
# and the examples. DESTDIR is prepended to every path, for staged installs.
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/dns01-hooks
DOCDIR ?= $(PREFIX)/share/doc/dns01-hooks
MAN1 := man/dns01-auth.1 man/dns01-cleanup.1
MAN5 := man/dns01-hooks.conf.5
EXAMPLES := examples/dns01-hooks.conf examples/certbot-renewal.conf
SYSTEMD_EXAMPLES := examples/systemd/dns01-hooks-renew.service examples/systemd/dns01-hooks-renew.timer \
	examples/systemd/dns01-hooks.default
CRON_EXAMPLES := examples/cron.d/dns01-hooks

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(DATADIR)/acme.sh $(DESTDIR)$(DOCDIR)/examples/systemd $(DESTDIR)$(DOCDIR)/examples/cron.d
	install -m 0755 $(BUILD)/bin/dns01-auth $(BUILD)/bin/dns01-cleanup $(DESTDIR)$(BINDIR)/
	install -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 contrib/dns_dns01hooks.sh $(DESTDIR)$(DATADIR)/acme.sh/
	install -m 0644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/
	install -m 0644 $(SYSTEMD_EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/systemd/
	install -m 0644 $(CRON_EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/cron.d/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dns01-auth $(DESTDIR)$(BINDIR)/dns01-cleanup
	rm -f $(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%) $(MAN5:man/%=$(DESTDIR)$(MANDIR)/man5/%)
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)

# Debian package: dpkg-buildpackage -us -uc on a copy of the source tree in
# $(PACKAGE_DIR)/src, so that its clean step never touches this one. The
# .deb, .dsc and source tarball land in $(PACKAGE_DIR).
PACKAGE_DIR ?= build/package
.PHONY: deb
deb:
	rm -rf $(PACKAGE_DIR)
	mkdir -p $(PACKAGE_DIR)/src
	tar -c --exclude=./build --exclude=./.git --exclude=./debian/dns01-hooks . | tar -x -C $(PACKAGE_DIR)/src
	cd $(PACKAGE_DIR)/src && dpkg-buildpackage -us -uc -jauto

clean:
	rm -rf build

# Fuzzing with libFuzzer (clang): one target per parser of outside input in
# tests/fuzz/fuzz_*.c, seed corpora in tests/fuzz/corpus/<target>/.
#   make fuzz         build, then run each target for FUZZ_SECONDS (default 30)
#   make fuzz-build   build only; tests/fuzz/run.sh replay checks the corpora
FUZZ_BUILD := build/fuzz
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes $(FUZZ_SANITIZE) -fsanitize=fuzzer-no-link \
	-Icommon -Iproviders -Iauth-hook -Icleanup-hook $(PKG_CFLAGS)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_LIB_OBJ := $(COMMON_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)

.PHONY: fuzz fuzz-build
$(FUZZ_BUILD)/obj/%.o: %.c $(wildcard common/*.h providers/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/libdns01-fuzz.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_BUILD)/libdns01-fuzz.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libdns01-fuzz.a $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	tests/fuzz/run.sh run $(FUZZ_SECONDS)
