# SPDX-License-Identifier: Apache-2.0
# vserverx — build, test, demo, install.
#
#   sudo make demo    run vserverx on a built-in example in a throwaway namespace
#   sudo make test    the whole test suite (privileged tests in a sandbox, VM tests)
#   make test-fast    the same without the qemu VM tests
#   make test-vm-faults  only the VM's vserverx tests, with the vlan fault injection
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
# computed once per make run from `git describe`, made a valid Debian version
# (it must start with a digit; a hyphen would start a Debian revision):
#   tag v1.2.0 (or 1.2.0)         1.2.0
#   3 commits after it            1.2.0+3.g48dede4
#   no tag at all                 0.0~git20261128.48dede4  (HEAD's commit date, UTC)
#   uncommitted changes           ...+dirty
#   not a git checkout            0.0~unknown
# In a tag "-" becomes "~" (v1.0-rc1: 1.0~rc1, older than 1.0). The rule is
# cmd/vserverx/contrib/deb/version.sh; make VERSION=... overrides it.
ifeq ($(origin VERSION),undefined)
VERSION := $(shell sh cmd/vserverx/contrib/deb/version.sh)
endif
ifeq ($(VERSION),)
$(error VERSION is empty: version.sh failed (see above), or set VERSION=... yourself)
endif

.PHONY: all build test test-fast test-vm-faults test-deps vet vm-assets demo bench install deb clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -tags $(GOTAGS) $(GOBUILDFLAGS) -ldflags "$(GOLDFLAGS) -X main.version=$(VERSION)" -o $(BIN) ./cmd/vserverx

vet:
	$(GO) vet ./...

# The VM tests boot Debian's stock kernel under qemu; vm-assets installs
# qemu and busybox-static and caches the kernel and modules (.cache/vm).
vm-assets:
	bash testdata/vm/fetch.sh

# mandoc lints the man page alongside groff (the test skips it when absent);
# lintian checks the package that make deb builds (the test skips only that
# check when lintian is absent).
test-deps: vm-assets
	command -v mandoc >/dev/null || apt-get install -y -qq --no-install-recommends mandoc >/dev/null || \
		echo "make: could not install mandoc; the man page is linted with groff only" >&2
	command -v lintian >/dev/null || apt-get install -y -qq --no-install-recommends lintian >/dev/null || \
		echo "make: could not install lintian; the Debian package is not linted" >&2
	command -v nft >/dev/null && command -v ping >/dev/null || { echo "make: installing nftables and iputils-ping: the ruleset tests load real nft rulesets and ping through a namespace" >&2; \
		apt-get install -y -qq --no-install-recommends nftables iputils-ping >/dev/null || echo "make: could not install nftables and iputils-ping; the ruleset tests are skipped" >&2; }

test: vet test-deps
	VSERVERX_REQUIRE_VM=1 VSERVERX_VM_FAULTS=1 $(GO) test -count=1 -timeout 25m ./...

# Only the VM's vserverx tests, with the vlan fault-injection test (start and
# stop of a guest with a real VLAN killed or interrupted after every step;
# about two minutes under qemu without KVM). make test runs them too.
test-vm-faults: test-deps
	VSERVERX_REQUIRE_VM=1 VSERVERX_VM_FAULTS=1 VSERVERX_VM_PACKAGES=cmd/vserverx \
		$(GO) test -count=1 -timeout 30m -run 'TestVM$$' -v ./netns/vmtest/

test-fast: vet
	VSERVERX_SKIP_VM=1 $(GO) test -count=1 ./...

demo: build
	bash testdata/demo/demo.sh $(BIN)

# The benchmark (cmd/vxbench): vserverx's commands as run from the shell
# against their baselines (the command-line table), vserverx's engine against
# the ip scriptlet (testdata/bench) and bare namespaces, and start-all against
# the ideal, inside a throwaway network, mount and PID namespace; about 10
# minutes on a loaded 2-CPU VM. BENCHFLAGS passes options (e.g.
# BENCHFLAGS='-reps-large 5', '-cli-only', '-no-cli', '-no-start-all',
# '-cpuprofile FILE').
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
