# dns01-hooks: certbot DNS-01 hooks for Cloudflare and Alibaba Cloud DNS.
#
#   make            build build/bin/dns01-auth and build/bin/dns01-cleanup
#   make check      install test dependencies (Debian), then run every test,
#                   also under AddressSanitizer and UndefinedBehaviorSanitizer
#   make demo       issue a certificate from a local test CA through certbot
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

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/lib/libdns01.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/lib/libdns01.a $(PKG_LIBS) -lcmocka

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

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(BUILD)/bin/dns01-auth $(BUILD)/bin/dns01-cleanup $(DESTDIR)$(BINDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dns01-auth $(DESTDIR)$(BINDIR)/dns01-cleanup

clean:
	rm -rf build
