# SPDX-License-Identifier: Apache-2.0
# Installs vserverx's packaging files: the systemd unit, the SysV init
# script, its defaults file, the bash completion and the name of vserverx's
# route protocol for iproute2 (rt_protos.d).
#
# The top-level Makefile includes this file and makes its install target
# depend on install-contrib:
#     include cmd/vserverx/contrib/install.mk
#     install: install-contrib
# or run on its own:
#     make -f cmd/vserverx/contrib/install.mk install-contrib DESTDIR=/tmp/stage
#
# The unit and the init script name /usr/sbin/vserverx; a different SBINDIR
# is written into the installed copies. An existing defaults file is kept.

CONTRIB_DIR := $(dir $(lastword $(MAKEFILE_LIST)))

DESTDIR ?=
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
SYSTEMDUNITDIR ?= /lib/systemd/system
INITDDIR ?= /etc/init.d
DEFAULTDIR ?= /etc/default
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
RTPROTOSDIR ?= /etc/iproute2/rt_protos.d
INSTALL ?= install

.PHONY: install-contrib
install-contrib:
	$(INSTALL) -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(INITDDIR) $(DESTDIR)$(DEFAULTDIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(RTPROTOSDIR)
	sed 's|/usr/sbin/vserverx|$(SBINDIR)/vserverx|g' $(CONTRIB_DIR)vserverx.service >$(DESTDIR)$(SYSTEMDUNITDIR)/vserverx.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/vserverx.service
	sed 's|/usr/sbin/vserverx|$(SBINDIR)/vserverx|g' $(CONTRIB_DIR)vserverx.init >$(DESTDIR)$(INITDDIR)/vserverx
	chmod 0755 $(DESTDIR)$(INITDDIR)/vserverx
	$(INSTALL) -m 0644 $(CONTRIB_DIR)vserverx.bash-completion $(DESTDIR)$(BASHCOMPDIR)/vserverx
	$(INSTALL) -m 0644 $(CONTRIB_DIR)vserverx.rt_protos $(DESTDIR)$(RTPROTOSDIR)/vserverx.conf
	test -e $(DESTDIR)$(DEFAULTDIR)/vserverx || { \
		sed 's|/usr/sbin/vserverx|$(SBINDIR)/vserverx|g' $(CONTRIB_DIR)vserverx.default >$(DESTDIR)$(DEFAULTDIR)/vserverx && \
		chmod 0644 $(DESTDIR)$(DEFAULTDIR)/vserverx; }
