# Makefile - builds ./protect and its library, runs every test.
# make            build ./protect
# make run        the server on the demo database (PORT=8080)
# make check      every test, warnings as errors (the README's test command)
# make asan-check unit and CLI tests under AddressSanitizer + UBSan
# make deps       install the build's Debian packages (scripts/install-deps)
# make bench      the benchmarks in bench/ (install their peers themselves)
# make fuzz       every fuzz target of tests/fuzz for FUZZ_SECONDS each (default 300)
# NO_INSTALL=1 stops make from installing missing libraries.

CC ?= cc
BUILD ?= build
PKGS := sqlite3 jansson libmicrohttpd libsodium pwquality libqrencode liboath libxml-2.0 libqpdf
WARN := -Wall -Wextra -Wshadow -Wconversion -Wstrict-prototypes -Wmissing-prototypes \
        -Wpointer-arith -Wformat=2 -Wundef -Wvla
OPT ?= -O2 -g
ifeq ($(WERROR),1)
WARN += -Werror
endif
ifeq ($(SAN),1)
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
# issue 14: `make MPI=1` builds with Open MPI's mpicc (scripts/install-deps --mpi), so that
# `mpirun -np N ./protect simulate ...` splits the replications over ranks
# (src/app/pt_app_simulate_mpi.c, the only file that includes mpi.h); tests/mpi/run tests it.
ifeq ($(MPI),1)
CC := mpicc
CPPFLAGS += -DPT_MPI
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -I$(BUILD)/gen
CFLAGS += -std=c11 $(WARN) $(OPT) -MMD -MP -pthread
# GLPK (libglpk-dev) has no pkg-config file: the exact planner links it directly.
LDLIBS += $(PKG_LIBS) -lglpk -lm -pthread

LIB_SRC := $(wildcard src/core/*.c src/formats/*.c src/store/*.c src/app/*.c src/http/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c)
DATA_FILES := $(sort $(wildcard data/catalog/*.csv data/demo/*.csv data/demo/*.geojson data/alerts/*.json))
# issue 15 (runs): the built-in exercise scenarios and the simulations they drive
DATA_FILES += $(sort $(wildcard data/scenarios/*.json))
# issue 16 item 3 (surveys): the self-assessment questionnaire of each kind of site
DATA_FILES += $(sort $(wildcard data/questionnaires/*.json))
# The web page (served at / by `protect serve`), compiled in like data/.
WEB_FILES := $(sort $(wildcard web/*.html web/*.css web/*.js web/*.svg web/*.png web/*.ico \
              web/*.json web/*.geojson))
STORE_SQL := $(wildcard src/store/*.sql)

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/pt_embedded.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIB := $(BUILD)/libprotect.a
PROTECT := $(if $(filter build,$(BUILD)),protect,$(BUILD)/protect)

.PHONY: all run check asan-check deps deps-check browser-deps unit cli-test http-test layers bench bench-http bench-plan fuzz clean lint
.PHONY: bench-cascade
.PHONY: bench-cap # issue 13: CAP 1.2 against libxml2's validator
all: deps-check $(PROTECT)

# The page's Leaflet and Chart.js come from Debian (libjs-leaflet, libjs-chart.js).
JS_DIRS := /usr/share/javascript/leaflet /usr/share/javascript/chart.js

deps-check:
	@{ pkg-config --exists $(PKGS) 2>/dev/null && [ -f /usr/include/glpk.h ] $(foreach d,$(JS_DIRS),&& [ -d $(d) ]); } || { \
	  if [ "$(NO_INSTALL)" = 1 ]; then echo "missing libraries ($(PKGS), GLPK, Leaflet, Chart.js); run: make deps" >&2; exit 69; fi; \
	  scripts/install-deps; }

deps:
	scripts/install-deps

# Objects are rebuilt when the compiler flags change (e.g. make, then make check with -Werror).
FLAGS_STAMP := $(BUILD)/.cflags
.PHONY: FORCE
$(FLAGS_STAMP): FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(CPPFLAGS) $(CFLAGS)' | cmp -s - $@ || echo '$(CC) $(CPPFLAGS) $(CFLAGS)' > $@

$(BUILD)/%.o: %.c $(FLAGS_STAMP) | deps-check
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -o $@ $<

# Catalogues, demo data and the SQL schema are compiled into the binary; the list of
# embedded files is a prerequisite too, so removing one (a migration, a page) rebuilds it.
EMBED_LIST := $(BUILD)/.embedded
$(EMBED_LIST): FORCE
	@mkdir -p $(BUILD)
	@echo '$(DATA_FILES) $(WEB_FILES) $(STORE_SQL)' | cmp -s - $@ || echo '$(DATA_FILES) $(WEB_FILES) $(STORE_SQL)' > $@

$(BUILD)/gen/pt_embedded.c: $(BUILD)/tools/embed $(DATA_FILES) $(WEB_FILES) $(STORE_SQL) $(EMBED_LIST)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ $(DATA_FILES) $(WEB_FILES) $(STORE_SQL)

$(BUILD)/gen/pt_embedded.o: $(BUILD)/gen/pt_embedded.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes -Wno-overlength-strings -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(PROTECT): $(CLI_OBJ) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/pt_test.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -Itests/unit -o $@ $< $(LIB) $(LDLIBS)

# make run: the demo registry (created if missing) served on http://127.0.0.1:$(PORT)/.
PORT ?= 8080
run: all
	@[ -f demo.db ] || ./$(PROTECT) --db demo.db demo
	@echo "demo log-ins (user, password, role, organisation; README.md, Demo log-ins):"
	@./$(PROTECT) --db demo.db user list --format csv | \
	  awk -F, 'NR > 1 { printf "  %-16s %-21s %-12s %s\n", $$1, "demo-" $$1, $$2, $$3 }'
	@echo "open the address below in a browser; Ctrl-C stops the server"
	@./$(PROTECT) --db demo.db serve --bind 127.0.0.1 --port $(PORT)

# The layers point one way: core <- formats <- store <- app <- cli, http (includes and symbols).
layers: all
	@scripts/check-layers && scripts/check-symbols $(BUILD)

unit: $(TEST_BIN)

# check and asan-check build on every core unless make was given -j (issue 12: CI time).
NPROC := $(shell nproc 2>/dev/null || echo 1)
JOBS = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(NPROC))

check:
	@$(MAKE) --no-print-directory deps-check
	@$(MAKE) --no-print-directory $(JOBS) WERROR=1 all unit
	@$(MAKE) --no-print-directory browser-deps
	@scripts/run-tests $(BUILD) ./$(PROTECT)
	@tests/mpi/run ./$(PROTECT) # issue 14: the MPI build against one process ("SKIP" without Open MPI)

# The browser tests' tools: Debian's chromium, nodejs and npm, and npm's playwright-core (the
# version in tests/browser/package-lock.json). Where they cannot be installed the browser tests
# say SKIP (CI sets BROWSER_REQUIRED=1, making that a failure).
PLAYWRIGHT := tests/browser/node_modules/playwright-core/package.json
browser-deps:
	@[ "$(NO_INSTALL)" = 1 ] || { scripts/install-deps --browser && \
	  { [ -f $(PLAYWRIGHT) ] || npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error; }; } || \
	  echo "check: the browser tests' tools could not be installed; those tests will be skipped" >&2

# The HTTP tests alone (make check runs them too): a server on 127.0.0.1, a fresh demo registry.
http-test: all
	@tests/http/run ./$(PROTECT)

asan-check:
	@$(MAKE) --no-print-directory deps-check
	@$(MAKE) --no-print-directory $(JOBS) BUILD=build-asan SAN=1 WERROR=1 all unit
	@NO_BROWSER=1 ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  scripts/run-tests build-asan build-asan/protect

bench: all
	bench/risk/run
	bench/http/run
	bench/plan/run
	bench/cascade/run
	bench/cap/run
	bench/mci/run

# protect serve against nginx with wrk (installs both when missing; about 1.5 minutes).
bench-http: all
	bench/http/run

# The fast plan solver against GLPK at 1,000 and 10,000 sites (about 5 minutes).
bench-plan: all
	bench/plan/run

# cascade (issue 12): one cascade over 1,000,000 sites against igraph and networkx; SPOF at 1 and 2 threads.
bench-cascade: all
	bench/cascade/run

# issue 13: CAP 1.2 read+check+write against libxml2's schema validator (needs the fixtures)
bench-cap: all
	bench/cap/run

# mass-casualty simulation (issue 14): 1,000 replications of 500 victims on 2 threads against SimPy 3.
.PHONY: bench-mci
bench-mci: all
	bench/mci/run

# The libFuzzer targets of tests/fuzz (clang), FUZZ_SECONDS each; .ci/run runs them for 15 s.
FUZZ_SECONDS ?= 300
fuzz:
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/build-fuzz

lint:
	@scripts/check-layers
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance -Isrc src

clean:
	rm -rf build build-asan build-fuzz build-mpi protect

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
