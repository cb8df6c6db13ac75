# SPDX-License-Identifier: Apache-2.0
# vserverx — build, test, demo, install.
#
#   sudo make demo    run vserverx on a built-in example in a throwaway namespace
#   sudo make test    the whole test suite (privileged tests in a sandbox, VM tests)
#   make test-fast    the same without the qemu VM tests
#   make test-vm-faults  only the VM's vserverx tests, with the vlan fault injection
#   make test-go-min  build and vet with the oldest Go that go.mod names
#   make clean-cache  remove the test caches (the VM's kernel, outside the checkout)
#   make install      PREFIX=/usr DESTDIR=... (binary, man page, unit, init script, completion)
#   make deb          vserverx_VERSION_ARCH.deb (DEBDIR=... puts it elsewhere)

# sudo resets PATH; find the Go toolchain anyway.
GO      ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
PREFIX  ?= /usr
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
BIN     := bin/vserverx
# Extra go build flags and linker flags (make deb sets them for a release build).
GOBUILDFLAGS ?=
GOLDFLAGS    ?=
# vserverx is built static (no cgo: nothing in it needs libc) and without
# urfave/cli's man/markdown generators (vserverx never calls them): every
# vserverx command starts about 5 ms sooner (no dynamic loader, fewer package
# initialisers), and a stop or start is mostly start-up cost. The tests
# build the binary they drive the same way.
GOTAGS       := urfave_cli_no_docs

# VERSION is what `vserverx --version` prints and the Debian package's version,
# computed once per make run: the release recorded in the file VERSION, and
# how far HEAD is from the commit that last changed it:
#   the release commit itself     0.1.0
#   3 commits after it            0.1.0+3.g48dede4
#   uncommitted changes           ...+dirty
# The rule is cmd/vserverx/contrib/deb/version.sh; make VERSION=... overrides it.
ifeq ($(origin VERSION),undefined)
VERSION := $(shell sh cmd/vserverx/contrib/deb/version.sh)
endif
ifeq ($(VERSION),)
$(error VERSION is empty: version.sh failed (see above), or set VERSION=... yourself)
endif

# Every package: the go tool's ./... leaves out directories named testdata,
# and the test support lives there (testdata/nstest, the privileged sandbox;
# testdata/vmtest, the qemu harness), so they are named as well.
PKGS := ./... ./testdata/nstest/... ./testdata/vmtest/...

# The oldest Go release that builds vserverx: the go line of go.mod.
GOMIN := $(shell sed -n 's/^go //p' go.mod)

# The test caches live outside the working tree: the VM's kernel and
# modules (about 110 MB) in $(TESTCACHE)/vm. make clean-cache removes them.
TESTCACHE ?= $(or $(XDG_CACHE_HOME),/var/cache)/vserverx-test
ifeq ($(VSERVERX_VM_CACHE),)
VSERVERX_VM_CACHE := $(TESTCACHE)/vm
endif
export VSERVERX_VM_CACHE

.PHONY: all build test test-fast test-vm-faults test-deps test-go-min vet vm-assets demo bench install deb clean clean-cache

all: build

build:
	CGO_ENABLED=0 $(GO) build -tags $(GOTAGS) $(GOBUILDFLAGS) -ldflags "$(GOLDFLAGS) -X main.version=$(VERSION)" -o $(BIN) ./cmd/vserverx

vet:
	$(GO) vet $(PKGS)

# The VM tests boot Debian's stock kernel under qemu; vm-assets installs
# qemu and busybox-static and caches the kernel and modules
# ($(VSERVERX_VM_CACHE)), saying what it installs and why.
vm-assets:
	@bash testdata/vm/fetch.sh

# mandoc lints the man page alongside groff (the test skips it when absent);
# lintian checks the package that make deb builds (the test skips only that
# check when lintian is absent); nftables and iputils-ping serve the ruleset
# tests. Each is named, with its reason, before apt-get installs it.
test-deps: vm-assets
	@command -v mandoc >/dev/null || { \
		echo "make: installing mandoc with apt-get: the man page test lints man/vserverx.8 with it (besides groff)"; \
		apt-get install -y -qq --no-install-recommends mandoc >/dev/null || \
		echo "make: could not install mandoc; the man page is linted with groff only" >&2; }
	@command -v lintian >/dev/null || { \
		echo "make: installing lintian with apt-get: the package test lints the .deb that make deb builds"; \
		apt-get install -y -qq --no-install-recommends lintian >/dev/null || \
		echo "make: could not install lintian; the Debian package is not linted" >&2; }
	@command -v nft >/dev/null && command -v ping >/dev/null || { \
		echo "make: installing nftables and iputils-ping with apt-get: the ruleset tests load real nft rulesets and ping through a namespace"; \
		apt-get install -y -qq --no-install-recommends nftables iputils-ping >/dev/null || \
		echo "make: could not install nftables and iputils-ping; the ruleset tests are skipped" >&2; }

# The code builds and vets with the oldest Go that go.mod promises:
# GOTOOLCHAIN makes the go command fetch that release through the module
# proxy (once; it stays in the module cache).
test-go-min:
	GOTOOLCHAIN=go$(GOMIN) $(GO) build $(PKGS)
	GOTOOLCHAIN=go$(GOMIN) CGO_ENABLED=0 $(GO) build -tags $(GOTAGS) -o /dev/null ./cmd/vserverx
	GOTOOLCHAIN=go$(GOMIN) $(GO) vet $(PKGS)

test: vet test-go-min test-deps
	VSERVERX_REQUIRE_VM=1 VSERVERX_VM_FAULTS=1 $(GO) test -count=1 -timeout 25m $(PKGS)

# Only the VM's vserverx tests, with the vlan fault-injection test (start and
# stop of a guest with a real VLAN killed or interrupted after every step;
# about two minutes under qemu without KVM). make test runs them too.
test-vm-faults: test-deps
	VSERVERX_REQUIRE_VM=1 VSERVERX_VM_FAULTS=1 VSERVERX_VM_PACKAGES=cmd/vserverx \
		$(GO) test -count=1 -timeout 30m -run 'TestVM$$' -v ./testdata/vmtest/

test-fast: vet
	VSERVERX_SKIP_VM=1 $(GO) test -count=1 $(PKGS)

demo: build
	bash testdata/demo/demo.sh $(BIN)

# The benchmark (cmd/vxbench): vserverx's commands as run from the shell
# against their baselines (the command-line table), vserverx's engine against
# the ip scriptlet (testdata/bench) and bare namespaces, and start-all against
# the ideal, inside a throwaway network, mount and PID namespace; about 10
# minutes on a loaded 2-CPU VM. BENCHFLAGS passes options (e.g.
# BENCHFLAGS='-reps-large 5', '-cli-only', '-no-cli', '-no-start-all',
# '-ready-only', '-cpuprofile FILE').
bench: build
	$(GO) build -o bin/vxbench ./cmd/vxbench
	unshare --net --mount --pid --fork --mount-proc --propagation private \
		env VXBENCH_SANDBOX=1 bin/vxbench -repo . -vserverx $(BIN) $(BENCHFLAGS)

include cmd/vserverx/contrib/install.mk

install: build install-contrib
	install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/vserverx
	install -D -m 0644 man/vserverx.8 $(DESTDIR)$(MANDIR)/man8/vserverx.8

# make deb: the Debian package vserverx_$(VERSION)_$(DEBARCH).deb in DEBDIR,
# built with dpkg-deb from `make install DESTDIR=$(DEBSTAGE)/root`: a
# stripped binary, static like every build, so that it runs on releases older
# than the build machine; the man page gzipped; the copyright file listing the
# modules linked into the binary (deb/copyright.sh); changelog, lintian overrides,
# control file and maintainer scripts from cmd/vserverx/contrib/deb (mkdeb.sh).
# DEB_MAINTAINER='Name <address>' sets the Maintainer field. The archive's
# timestamps are HEAD's commit time, so a rebuild of a commit is identical.
DEBARCH  ?= $(shell dpkg --print-architecture 2>/dev/null)
DEBDIR   ?= .
DEBSTAGE ?= bin/deb
DEB       = $(DEBDIR)/vserverx_$(VERSION)_$(DEBARCH).deb

deb:
	rm -rf $(DEBSTAGE)
	$(MAKE) --no-print-directory install DESTDIR=$(abspath $(DEBSTAGE))/root VERSION=$(VERSION) \
		BIN=$(DEBSTAGE)/vserverx GOBUILDFLAGS=-trimpath GOLDFLAGS='-s -w' \
		PREFIX=/usr SBINDIR=/usr/sbin MANDIR=/usr/share/man SYSTEMDUNITDIR=/lib/systemd/system \
		INITDDIR=/etc/init.d DEFAULTDIR=/etc/default BASHCOMPDIR=/usr/share/bash-completion/completions
	GO=$(GO) sh cmd/vserverx/contrib/deb/mkdeb.sh $(DEBSTAGE)/root $(VERSION) $(DEBARCH) $(DEB)

clean:
	rm -rf bin vserverx_*.deb

# clean-cache also removes .cache/vm, where older checkouts kept the VM cache.
clean-cache:
	rm -rf $(TESTCACHE) $(VSERVERX_VM_CACHE) .cache/vm
