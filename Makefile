# vserverx — build, test, demo, install.
#
#   sudo make demo    run vserverx on a built-in example in a throwaway namespace
#   sudo make test    the whole test suite (privileged tests in a sandbox, VM tests)
#   make test-fast    the same without the qemu VM tests
#   make install      PREFIX=/usr DESTDIR=... (binary, man page, unit, init script, completion)

# sudo resets PATH; find the Go toolchain anyway.
GO      ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
PREFIX  ?= /usr
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
BIN     := bin/vserverx

.PHONY: all build test test-fast test-deps vet vm-assets demo bench install clean

all: build

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/vserverx

vet:
	$(GO) vet ./...

# The VM tests boot Debian's stock kernel under qemu; vm-assets installs
# qemu and busybox-static and caches the kernel and modules (.cache/vm).
vm-assets:
	bash testdata/vm/fetch.sh

# mandoc lints the man page alongside groff (the test skips it when absent).
test-deps: vm-assets
	command -v mandoc >/dev/null || apt-get install -y -qq --no-install-recommends mandoc >/dev/null || \
		echo "make: could not install mandoc; the man page is linted with groff only" >&2

test: vet test-deps
	VSERVERX_REQUIRE_VM=1 $(GO) test -count=1 -timeout 20m ./...

test-fast: vet
	VSERVERX_SKIP_VM=1 $(GO) test -count=1 ./...

demo: build
	bash testdata/demo/demo.sh $(BIN)

# Issue 7's benchmark (cmd/vxbench): vserverx's engine against the ip
# scriptlet (testdata/bench) and bare namespaces, and start-all against the
# ideal, inside a throwaway network, mount and PID namespace; about 8 minutes
# on a loaded 2-CPU VM. BENCHFLAGS passes options (e.g. BENCHFLAGS='-reps-large
# 5', '-no-start-all', '-cpuprofile FILE').
bench: build
	$(GO) build -o bin/vxbench ./cmd/vxbench
	unshare --net --mount --pid --fork --mount-proc --propagation private \
		env VXBENCH_SANDBOX=1 bin/vxbench -repo . -vserverx $(BIN) $(BENCHFLAGS)

include cmd/vserverx/contrib/install.mk

install: build install-contrib
	install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/vserverx
	install -D -m 0644 man/vserverx.8 $(DESTDIR)$(MANDIR)/man8/vserverx.8

clean:
	rm -rf bin
