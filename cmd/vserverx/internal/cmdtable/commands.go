// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package cmdtable

import (
	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle"
)

// The texts below are plain text: one paragraph per blank-line-separated
// block, sentences ending with ". ". The help output wraps them; the man
// page generator (internal/gendoc) escapes them for roff.

// GlobalFlags are the options given before NAME or the host command.
var GlobalFlags = []Flag{
	{Name: "confdir", Kind: String, Arg: "DIR", Usage: "util-vserver's configuration directory",
		Default: "__CONFDIR from util-vserver-vars, else " + config.DefaultConfDir},
	{Name: "vserver", Kind: String, Arg: "PATH", Usage: "util-vserver's vserver command",
		Desc:    "util-vserver's vserver command. It must be executable.",
		Default: "__SBINDIR/vserver from util-vserver-vars (" + config.DefaultVserver + " when there is none); when that is not executable, vserver in PATH"},
	{Name: "util-vserver-vars", Kind: String, Arg: "FILE", Env: "UTIL_VSERVER_VARS", Usage: "util-vserver's file of program paths, read when it exists",
		Desc: "util-vserver's shell file of program paths, read when it exists (a file named with this option or with UTIL_VSERVER_VARS must exist). " +
			"vserverx uses __CONFDIR, __SBINDIR and _VPROCUNHIDE (no vprocunhide is run when it is not set). " +
			"Only plain assignments (with $VAR expansion and quoting) are understood; anything else is an error naming the line.",
		Default: config.DefaultVarsFile, Value: config.DefaultVarsFile},
	{Name: "netns-dir", Kind: String, Arg: "DIR", Usage: "directory of named network namespaces (iproute2's)", Default: config.DefaultNetnsDir, Value: config.DefaultNetnsDir},
	{Name: "state-dir", Kind: String, Arg: "DIR", Usage: "where vserverx keeps its lock files (X.lock) and ruleset digests (X.nftables)",
		Desc: "vserverx's lock files, one X.lock per namespace, and the digests of the ruleset loaded into a namespace (X.nftables, removed with the namespace). " +
			"vserverx creates DIR with mode 0700, owned by root, and refuses an existing one that is not a directory owned by root without write permission for group and others (a symbolic link is refused too), naming what it found and how to fix it; an accepted one is tightened to 0700.",
		Default: config.DefaultStateDir, Value: config.DefaultStateDir},
	{Name: "nft", Kind: String, Arg: "PATH", Usage: "nftables' nft command, for namespaces with an nftables ruleset",
		Desc: "nftables' nft command, which loads a namespace's nftables ruleset (run inside the namespace) and checks it (run in a throwaway network namespace). " +
			"It must be executable. " +
			"Only namespaces with a ruleset need it; without it, start and check of such a guest refuse with a message naming the package. " +
			"Given here, the scriptlets that setup installs pass it on.",
		Default: lifecycle.DefaultNft + " (Debian's nftables package), else nft in PATH"},
	{Name: "verbose", Aliases: []string{"v"}, Kind: Bool, Usage: "say more about what is done (on standard error)"},
	{Name: "quiet", Aliases: []string{"q"}, Kind: Bool, Usage: "print only warnings and errors (setup: not the changes it makes)"},
}

// HelpFlag and VersionFlag are the global options every CLI has.
var (
	HelpFlag = Flag{Name: "help", Aliases: []string{"h"}, Kind: Bool, Usage: "show help",
		Desc: "Print help and exit. After a command (vserverx NAME COMMAND --help, vserverx start-all --help), print that command's help."}
	VersionFlag = Flag{Name: "version", Kind: Bool, Usage: "print the version and exit"}
)

// bootFlags are the options of start-all and stop-all; status-all has the
// first two.
var bootFlags = []Flag{
	{Name: "mark", Aliases: []string{"m"}, Kind: Strings, Arg: "MARK", Usage: "select guests whose apps/init/mark lists MARK (repeatable)",
		Desc: "Select the guests whose apps/init/mark lists MARK; a comma-separated list a,b selects the guests marked a or b, as util-vserver's -m a,b does. " +
			"A leading ! or ~ inverts: the guests that carry none of the marks. " +
			"Inverted and plain marks cannot be mixed in one value. " +
			"Repeatable; several --mark options must all match, so --mark a --mark !b selects the guests marked a and not b. " +
			"Disabled guests and guests without vdir are never selected."},
	{Name: "all", Kind: Bool, Usage: "select every guest (not disabled ones, not those without vdir)",
		Desc: "Select every guest (except disabled ones and those without vdir). " +
			"With --mark it adds nothing: the marks still filter, as in util-vserver. " +
			"One of --mark and --all is required."},
	{Name: "jobs", Aliases: []string{"j"}, Kind: Int, Arg: "N", Usage: "act on at most N guests at once", Default: "the number of CPUs"},
	{Name: "dry-run", Kind: Bool, Usage: "print the order (waves) and act on nothing",
		Desc: "Print the order (waves of guests that may run together, groups that run one at a time, what is skipped or ignored and why) and act on nothing. " +
			"The exit status is that of a run in which every guest not skipped beforehand succeeds: 0, or 1 or 6 when guests would be skipped."},
}

// strictFlag is --strict of check and check-all.
var strictFlag = Flag{Name: "strict", Kind: Bool, Usage: "warnings (drift included) fail too, with exit status 7",
	Desc: "Warnings, drift included, fail too: exit 7 when there are warnings and no problem (1 when there are problems). " +
		"For a cron job or a configuration-management run that acts on them."}

// Commands is every command of vserverx: the guest commands, then the host
// commands, then the internal ones, in the order --help and the man page
// show them.
var Commands = []Command{
	{Name: "start", Guest: true, Args: "[ARGS...]", Signal: true, Wrapped: true, Exits: []int{ExitError, ExitNoGuest},
		Usage: "set up the guest's namespace, then run 'vserver NAME start ARGS...' inside it",
		Desc: "Validate the guest and its namespace definition, take the namespace lock, create the named network namespace (or join it), load its nftables ruleset inside it before any interface is UP, converge its interfaces, apply sysctls, run vprocunhide inside it, then run util-vserver's vserver NAME start ARGS inside it with VSERVERX_NETNS set, as described under Start. " +
			"If that fails, everything this call created is undone (unless another process already lives in the namespace). " +
			"Every argument goes to vserver unchanged, options too, except a lone --help. " +
			"An unmanaged guest is passed to vserver NAME start unchanged. " +
			"vserverx NAME plan shows the steps. Needs root."},
	{Name: "stop", Guest: true, Args: "[ARGS...]", Signal: true, Wrapped: true, Exits: []int{ExitError, ExitNoGuest},
		Usage: "run 'vserver NAME stop ARGS...' inside the namespace, then remove it when unused",
		Desc: "Run util-vserver's vserver NAME stop ARGS inside the guest's namespace (plainly when the namespace is gone), then, under the namespace lock, remove the namespace and the links vserverx created when no process is left in it and no other member of the group runs; otherwise say who still uses it, as described under Stop. " +
			"Stopping a stopped guest still removes leftovers of a crash. Needs root."},
	{Name: "restart", Guest: true, Args: "[ARGS...]", Signal: true, Wrapped: true, Exits: []int{ExitError, ExitNoGuest},
		Usage: "stop, then start (ARGS go to start)",
		Desc:  "stop (removing an unused namespace), then start with ARGS. When the stop exits non-zero the guest is not started again. Needs root."},
	{Name: "enter", Guest: true, Args: "[-- CMD [ARGS...]]", Wrapped: true, Exits: []int{ExitError, ExitNoGuest},
		Usage: "a shell (or CMD) inside the guest's namespace, like 'ip netns exec'",
		Desc: "Run CMD (default: $SHELL, else /bin/sh) on the host side, inside the guest's network namespace, as ip netns exec X does: in a mount namespace of its own whose root is rslave, with a fresh /sys and each /etc/netns/X/* bound over the file of that name in /etc. " +
			"VSERVERX_NETNS is set to X. " +
			"The guest must be managed and its namespace must exist (start a member first). " +
			"Exits with CMD's status, 127 when CMD is not found. Needs root."},
	{Name: "status", Guest: true, Args: "[--json]", Wrapped: true, Exits: []int{ExitStopped, ExitUnknown, ExitError, ExitNoGuest},
		Usage: "the namespace, its interfaces and processes, the group; exit 0 running, 3 stopped",
		Desc: "Show util-vserver's vserver NAME status line, then, for a managed guest, the namespace (or that it is not set up), its interfaces (name, type, MAC, state, addresses), each address util-vserver adds from a member's own interfaces/ with its device and file and whether it is there (present; MISSING while that member runs; absent while it is stopped), the processes living in it, the members of the group with their state, how the namespace differs from its definition (see apply), and whether it holds the ruleset of its nftables file (loaded and unchanged, or DIFFERS and why: the file changed since it was loaded, or the ruleset inside was changed by hand). " +
			"Exits as vserver NAME status does: 0 running, 3 stopped (or its other status when it failed). " +
			"Without root, whether guests run, the processes and the interfaces in the namespace cannot be seen: they are shown as unknown, with one line saying that root is needed, and the exit status is 4.",
		Flags: []Flag{{Name: "json", Kind: Bool, Usage: "print the status as JSON",
			Desc: "Print the status as one JSON object with the keys guest, managed, namespace and netns_path (managed guests), namespace_exists, interfaces (a list of objects with the keys name, type, mac, state, alias (when set), mtu, addresses and index), pids, guest_addresses (while the namespace exists: objects with the keys guest, address (CIDR), device, file (the ip file), present and guest_running), members (objects with name and running), running, vserver_status_code and vserver_status (the output of vserver NAME status), drift (the changes apply would make, one string each), ruleset (when an nftables file is defined or was loaded: an object with file (the definition's), loaded (the file vserverx loaded), matches (the namespace holds exactly what loading it produced: the file is unchanged, by its digest, and nft list ruleset inside is what that load produced, so a rule added by hand does not match) and why (what differs)), routes (every route of the namespace, all tables, IPv4 and IPv6: objects with the keys route (in ip route syntax with its protocol), table, protocol, type, dst, via, dev (when known), metric, src, onlink and mtu (when set)), rules (objects with rule (in ip rule syntax with family, priority and protocol), protocol, priority and table), routing_not_defined (the routes and rules someone other than vserverx added that neither the definition nor the kernel explains, one string each), problems (what could not be read), running_known, pids_known and interfaces_known (false without root: then running, pids and interfaces say nothing, and unknown says why; a member's running_known likewise). " +
				"Empty lists are left out. The exit status is unchanged."}}},
	{Name: "check", Guest: true, Args: "[--strict]", Exits: []int{ExitError, ExitNoGuest, ExitWarnings},
		Usage: "validate the guest's and its namespace's configuration; change nothing",
		Desc: "Read the guest's confdir and its namespace definition and validate every value (see Validation); compare the definition with every other one (the same MAC, from the same id or explicit; a phys device used twice or as another namespace's parent; the same address, a warning); find what start or the kernel would refuse (a host device that is not there: the parent of a vlan, macvlan or ipvlan, a phys device unless the group runs, a veth's bridge; a vlan or macvlan MTU above its parent's; as root, a sysctl key or value that a throwaway network namespace refuses); check that setup was run (scriptlets present, up to date and not executable; netns-dir/X in namespace-cleanup-skip; no line there without a leading /); check what util-vserver will do with the guest's own interfaces/ inside the namespace (see A guest's addresses); name every line of a scriptlet util-vserver runs for the guest that manages network namespaces besides vserverx, with its file and line; name guests whose initialize scriptlets bypass the host-wide mount protection; and check the namespace's nftables ruleset with nft -c -f in a throwaway network namespace (never X, never the host's), printing nft's messages, which name the file, line and column (a namespace that forwards between two or more interfaces without a ruleset gets the warning ... forwards between interfaces unfiltered). " +
			"Run as root, it also warns when the running group's namespace differs from its definition (see apply), and names routes and rules in it that vserverx did not add and the definition does not explain. " +
			"Prints every problem with the file it is about, in the words start and the other commands refuse with; a warning starts with warning: and counts only with --strict. " +
			"Changes nothing, needs no root.",
		Flags: []Flag{strictFlag}},
	{Name: "plan", Guest: true, Args: "[ARGS...]", Exits: []int{ExitError, ExitNoGuest},
		Usage: "print the steps 'start' would take; change nothing",
		Desc: "Print the steps start ARGS would take: what was checked, the lock, creating or joining the namespace, loading its nftables ruleset, each interface (how it is made, temporary and final name, MAC and alias, MTU, addresses, default routes), sysctl values, vprocunhide and the exact vserver command line. " +
			"Before the steps: the addresses util-vserver adds inside the namespace from the interfaces/ of each member of the group, with device and file, and, when that guest's interfaces/ or scriptlets have problems, a check line and the warnings. " +
			"It is the same plan object start executes. " +
			"Exit status 1 when the configuration has problems or start would refuse. Changes nothing, needs no root."},
	{Name: "apply", Guest: true, Args: "[--dry-run] [--recreate]", Exits: []int{ExitError, ExitNoGuest},
		Usage: "change the running group's namespace to match its definition; guests keep running",
		Desc: "Compare the definition of the guest's namespace X (any member of the group names the whole namespace) with what X holds: the links carrying vserverx's alias, their MAC, MTU, addresses, default routes and UP state, the sysctls of sysctl/. " +
			"Under X's lock, print the difference as numbered steps and make it, as described under Apply; first of all a ruleset that is not what the nftables file produces is replaced, as a whole in one transaction. " +
			"An address or default route is removed only when it is configured (not link-local or learnt by the kernel), not in the definition and not in a member's util-vserver interfaces/. " +
			"Links without vserverx's alias and the guests are never touched. " +
			"A change that deletes an interface and creates it again breaks connections on it and is refused unless --recreate is given. " +
			"When a change fails, the ones made before it are undone in reverse order. " +
			"X must exist (a member runs); a stopped group is converged by start. " +
			"Needs root (also with --dry-run: it reads the namespace and takes its lock).",
		Flags: []Flag{
			{Name: "dry-run", Kind: Bool, Usage: "print the changes and make none"},
			{Name: "recreate", Kind: Bool, Usage: "also make changes that delete an interface and create it again; connections on it break"},
		}},
	{Name: "setup", Guest: true, Exits: []int{ExitError, ExitNoGuest},
		Usage: "install the scriptlets and namespace-cleanup-skip entry util-vserver needs",
		Desc: "Install, idempotently, what util-vserver needs to start a managed guest, and print each change (nothing with -q): CONFDIR/NAME/scripts/prepre-start.d/vserverx (rewrites VSPACE_SHARED_CMD, makes / rslave); CONFDIR/NAME/scripts/postpost-stop.d/vserverx (tears the namespace down after a plain vserver NAME stop); the line netns-dir/X in CONFDIR/NAME/namespace-cleanup-skip (other lines are kept; a new file first gets the entries of CONFDIR/.defaults/namespace-cleanup-skip, which util-vserver no longer reads for a guest that has its own); CONFDIR/.defaults/scripts/initialize.d/vserverx-rslave when it is missing or was written by an older vserverx (a file there without vserverx's marker line is the administrator's and is left alone). " +
			"The scriptlets are mode 0644: util-vserver sources non-executable scriptlets with $1=PHASE and $2=NAME, so they can read and change its arrays. " +
			"Their first line is the marker # vserverx scriptlet v1. " +
			"They contain the absolute path of the vserverx binary and the global options setup was called with: run setup again after moving the binary or changing them; check and start report the difference. " +
			"Files are replaced atomically; a symbolic link that leads out of the confdir is refused. " +
			"An unmanaged guest is an error."},
	{Name: "adopt", Guest: true, Args: "[--dry-run] [--namespace X] [--id N] | --undo [TIMESTAMP]", Exits: []int{ExitError, ExitNoGuest},
		Usage: "take over an old-style network configuration (netns/, ip scriptlet, interfaces/), with a backup",
		Desc: "Turn a guest whose network is configured the old ways (util-vserver's own netns/, a hand-written ip scriptlet, classic interfaces/ entries on host devices) into a managed guest that starts with the same addresses: write CONFDIR/.netns/X and spaces/net, move the old files aside, and do what setup does. " +
			"Every file operation is printed; every file changed or moved aside is first put under CONFDIR/NAME/.vserverx-adopt/TIMESTAMP/ (paths relative to CONFDIR); the file CREATED there lists every path adopt created, UNDO what it moved, saved and wrote. " +
			"The guest must be stopped. " +
			"A second adopt finds nothing to do and exits 0. " +
			"--undo undoes the latest adoption of the guest (or the one whose backup is named TIMESTAMP): it restores exactly what that adoption changed, created or moved aside, and refuses, naming the files, when any of them changed since. " +
			"See ADOPTING EXISTING GUESTS.",
		Flags: []Flag{
			{Name: "dry-run", Kind: Bool, Usage: "print every file operation and change nothing",
				Desc: "Print every file operation adopt would do (create, rewrite with the old and the new value, move aside, what setup would install) and change nothing. " +
					"Exit 0 when the guest can be adopted, 1 with the reasons when not."},
			{Name: "namespace", Kind: String, Arg: "X", Usage: "the namespace for a guest configured by classic interfaces/ only",
				Desc: "The namespace for a guest whose network is only classic interfaces/ entries on host devices (default: the guest's name). " +
					"For the other sources the old configuration names the namespace, and a different --namespace is an error. " +
					"A second or third guest adopted into the same X joins the definition the first wrote (its id stays) when no MAC of its old configuration was derived from its own context; otherwise the refusal names that MAC and offers --id."},
			{Name: "id", Kind: Int, Arg: "N", Usage: "write N (0-65535) as the namespace id instead of the guest's context",
				Desc: "Write N (0-65535) as the namespace id (CONFDIR/.netns/X/id, the number in generated MACs) instead of the guest's context."},
			{Name: "undo", Kind: Bool, Usage: "undo the latest adoption of the guest (or the one of TIMESTAMP) from its backup",
				Desc: "Undo an adoption from its backup (see Backup and undo); without TIMESTAMP the latest. " +
					"Refused, changing nothing, when a file the adoption wrote differs from what it wrote, when something stands where a moved-aside file goes back, or when another guest is in the namespace whose definition it would remove (undo that guest's adoption first). " +
					"The guest must be stopped."},
		}},

	{Name: "start-all", Args: "[--mark MARK]... [--all] [-j N] [--dry-run]", Signal: true, Exits: []int{ExitError, ExitPartial},
		Usage: "start every selected guest in apps/init/depends order (boot)",
		Desc: "The boot script: start the selected guests (--mark, repeatable, or --all; disabled guests and guests without vdir are never selected) as start does, in apps/init/depends order, N at a time, but never two members of one group at once. " +
			"A guest starts as soon as every guest it depends on has started; a dependency that was not selected is started too. " +
			"A broken guest blocks only what depends on it: a guest whose apps/init/depends names a guest that does not exist, a guest on a dependency cycle (one depending on itself included), a guest that needs a disabled guest or one without vdir, and a guest whose start failed are not started, and neither is any guest that needs one of them (directly or not); each is named on one line with its reason, and every other guest starts, in order. " +
			"check-all reports the same problems, in the same words, before a boot. " +
			"Here vserverx differs from util-vserver's start-vservers, which warns about an unknown entry and starts the guest anyway, and lets make(1) drop one edge of a cycle at random: a guest whose dependency cannot be started, or whose order cannot be known, would start before what it needs. " +
			"A guest that already runs counts as done. " +
			"As util-vserver's own boot script does, it runs vserver --defaulttty --sync NAME start: from the guest's pre-start on, the start and the guest's processes use the guest's apps/init/tty (else CONFDIR/.defaults/apps/init/tty, else /dev/null), not start-all's output. " +
			"Prints one line per guest with its result and time (and a progress line on a terminal), then a summary; the output of a guest's start is shown only when it fails. " +
			"It is kept in a nameless file in the state directory, not a pipe, so a process that keeps the output open does not delay start-all. " +
			"Exit status 0 when every selected guest started (or none was selected), 1 when none did, 6 when some did. Needs root unless --dry-run.",
		Flags: bootFlags},
	{Name: "stop-all", Args: "[--mark MARK]... [--all] [-j N] [--dry-run]", Signal: true, Exits: []int{ExitError, ExitPartial},
		Usage: "stop every selected guest in reverse dependency order (shutdown)",
		Desc: "The shutdown script: stop the selected guests as stop does, in reverse dependency order (a guest stops after every selected guest that depends on it); guests that were not selected are not stopped. " +
			"Whatever the dependency graph says, every selected guest is stopped: an unknown dependency is ignored with a warning, and the guests of a dependency cycle are stopped after the guests that depend on any of them and before the guests they depend on, in no particular order among themselves (a warning names the cycle). " +
			"It runs vserver --defaulttty --sync NAME stop; output and exit status as for start-all. Needs root unless --dry-run.",
		Flags: bootFlags},
	{Name: "status-all", Args: "[--mark MARK]... [--all]", Exits: []int{ExitStopped, ExitUnknown, ExitError},
		Usage: "whether each selected guest runs; exit 0 when any runs, 3 when none, 4 when unknown",
		Desc: "The status action of an init script: print NAME running, NAME stopped or NAME unknown: ERROR for every selected guest (dependencies are not followed). " +
			"Exit status 0 when at least one runs, 3 when none does (also when none is selected), 4 when none is known to run and some could not be asked.",
		Flags: bootFlags[:2]},
	{Name: "list", Args: "[--json] [--running-any]", Exits: []int{ExitStopped, ExitUnknown, ExitError},
		Usage: "list every managed namespace with its members and their state",
		Desc: "List every managed namespace of the confdir (defined ones, even without members, and implicit ones): whether it exists (up or down), how many processes live in it, and its members, running ones marked (running). " +
			"Without root the state of members and the processes are shown as unknown.",
		Flags: []Flag{
			{Name: "json", Kind: Bool, Usage: "print the list as JSON",
				Desc: "Print a JSON array with one object per namespace: namespace, namespace_exists, processes (a count), processes_known (false without root) and members (objects with name, running and running_known)."},
			{Name: "running-any", Kind: Bool, Usage: "print nothing; exit 0 when any managed guest runs, 3 when none does, 4 when unknown",
				Desc: "Print nothing; exit 0 when any managed guest runs, 3 when none does, 4 when that cannot be seen (without root). For init scripts."},
		}},
	{Name: "check-all", Args: "[--mark MARK]... [--strict] [--json]", Exits: []int{ExitError, ExitWarnings},
		Usage: "validate the whole confdir (every guest, every namespace definition); change nothing",
		Desc: "Report exactly what NAME check reports for every guest of the confdir, warnings included, plus what no single guest's check can see: every namespace definition, also one no guest uses, its nftables ruleset checked as check does, and the conflicts between definitions (veth host-side names, MACs, phys devices, addresses). " +
			"It also reads the boot order as start-all would: an apps/init/depends entry that names no guest, a dependency cycle (a guest depending on itself included) and a dependency on a guest that is disabled or has no vdir are errors, in the words start-all uses when it skips such a guest. " +
			"With --mark (as given to start-all), a mark that selects no guest is a warning. " +
			"Each problem is listed once, with the file it is about. " +
			"A guest command reads only what the guest needs, so a broken unrelated guest does not stop it; this command finds such problems. " +
			"Needs no root and changes nothing.",
		Flags: []Flag{
			{Name: "mark", Aliases: []string{"m"}, Kind: Strings, Arg: "MARK", Usage: "also check the selection start-all --mark MARK would make",
				Desc: "Also check the selection that start-all with the same --mark options would make: a value that selects no enabled guest with a vdir is a warning, a malformed one an error."},
			strictFlag,
			{Name: "json", Kind: Bool, Usage: "print the problems as a JSON array of {file, severity, message}",
				Desc: "Print the problems as one JSON array of objects with the keys file (the file the problem is about), severity (error or warning) and message (the text after the file name); nothing else goes to standard output."}}},
	{Name: "help", Aliases: []string{"h"}, Args: "[COMMAND]",
		Usage: "show help, for vserverx or for one COMMAND (guest commands too)",
		Desc:  "Print the help text, or that of one command: a host command or a guest command (vserverx help start is vserverx NAME start --help)."},

	{Name: "vspace-rewrite", Guest: true, Hidden: true, Args: "-- WORDS...", Exits: []int{ExitError},
		Usage: "print util-vserver's VSPACE_SHARED_CMD array rewritten for the guest's namespace (used by the prepre-start scriptlet)",
		Desc: "Called by the prepre-start scriptlet with util-vserver's VSPACE_SHARED_CMD array. " +
			"For a guest whose spaces/net names X, util-vserver believes X is a running context and puts the five words VSPACE --enter X --net -- into that array, which prefixes its whole start chain; that would fail. " +
			"Prints a bash assignment VSPACE_SHARED_CMD=( ... ), quoted for eval, in which each such run for a managed X is dropped when VSERVERX_NETNS is X (the chain already runs inside X), or otherwise replaced by vserverx global-options NAME netns-exec -- (a plain vserver NAME start). " +
			"Every other word is kept verbatim."},
	{Name: "netns-exec", Guest: true, Hidden: true, Args: "-- CMD [ARGS...]", Exits: []int{ExitError},
		Usage: "set up the guest's namespace and exec CMD inside it (the prefix a plain 'vserver NAME start' runs)",
		Desc: "Set up the guest's namespace as start does (lock, create or join, interfaces, sysctl values, vprocunhide), then replace itself by CMD running inside it, with VSERVERX_NETNS=X. " +
			"Since nothing waits for CMD, a failure later in util-vserver's start chain is cleaned up by the postpost-stop scriptlet or the next stop. Needs root."},
	{Name: "teardown", Guest: true, Hidden: true, Exits: []int{ExitError},
		Usage: "remove the guest's namespace when no process and no other member uses it (used by the postpost-stop scriptlet)",
		Desc: "The second half of stop: remove the namespace when no process and no other running member uses it. " +
			"Called by the postpost-stop scriptlet after a plain vserver NAME stop; under vserverx NAME stop (VSERVERX_NETNS is set) the scriptlet does nothing. " +
			"A failed teardown is reported but does not fail the stop."},
}

// Intro texts of the man page's command sections.
const (
	GuestIntro = "Called as vserverx [global options] NAME COMMAND [ARGS...]. " +
		"Every COMMAND not listed here (and not in INTERNAL COMMANDS) is passed to vserver NAME COMMAND ARGS unchanged, and its exit status is returned."
	HostIntro = "Called without a guest name. " +
		"The host command names, and help and h, take precedence over guest names: a guest called, say, list cannot be addressed through vserverx."
	InternalIntro = "Guest commands called by the scriptlets that setup installs, from inside util-vserver, as vserverx [global options] NAME COMMAND [ARGS...]. " +
		"They are hidden from --help. vspace-rewrite and netns-exec take no options, not even --help: everything after them is data."
	GlobalIntro = "Given before NAME or the host command. " +
		"A path given here wins over util-vserver-vars, which wins over the built-in default."
)
