// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/vserverx/vserverx/vspace/scriptlets"
)

// A scriptlet line `ip netns exec X nft -f FILE` loads X's firewall; it
// becomes X's ruleset (.netns/X/nftables, a copy of FILE). iptables-restore
// inside X is refused: vserverx loads nftables rulesets only, and guessing
// a translation would change what the firewall does.

// isIptablesRestore reports whether s names iptables-restore (or its IPv6,
// legacy or nft variant).
func isIptablesRestore(s string) bool {
	base := filepath.Base(s)
	return strings.HasPrefix(base, "iptables") && strings.Contains(base, "-restore") ||
		strings.HasPrefix(base, "ip6tables") && strings.Contains(base, "-restore")
}

// execOther reads `ip netns exec X PROG ...` for a PROG other than ip:
// nft -f FILE is X's ruleset; iptables-restore and anything else is
// refused.
func (c *ipCmd) execOther(x, prog string) error {
	switch {
	case scriptlets.IsNft(prog):
		return c.nftLoad(x)
	case isIptablesRestore(prog):
		return c.refuse("ip netns exec %s runs %s; vserverx loads an nftables ruleset (.netns/%s/nftables) before any interface is UP, "+
			"not iptables rules: translate the rules with iptables-restore-translate -f FILE (ip6tables-restore-translate for IPv6), "+
			"check the result, and call it with ip netns exec %s nft -f FILE here before adopting", x, prog, x, x)
	}
	return c.refuse("ip netns exec %s runs %s; only ip commands and nft -f FILE are understood inside the namespace", x, prog)
}

// nftLoad reads the rest of `nft -f FILE` (or --file FILE): FILE, an
// absolute path, becomes X's ruleset.
func (c *ipCmd) nftLoad(x string) error {
	opt, err := c.next("nft's option -f")
	if err != nil {
		return err
	}
	if opt != "-f" && opt != "--file" {
		return c.refuse("nft %s inside namespace %s is not understood; only nft -f FILE (the whole ruleset from a file) is", opt, x)
	}
	file, err := c.next("the ruleset file of nft -f")
	if err != nil {
		return err
	}
	if err := c.end(nil); err != nil {
		return err
	}
	return c.r.net.setRuleset(c, file)
}

// setRuleset records FILE (read now) as the ruleset of the namespace; a
// second one is refused.
func (st *netState) setRuleset(c *ipCmd, file string) error {
	if st.nftablesFrom != "" {
		return c.refuse("loads a second nftables ruleset %s; the one at %s is the namespace's ruleset already, and vserverx loads one file", file, st.nftablesFrom)
	}
	if !filepath.IsAbs(file) {
		return c.refuse("nft -f %s: the ruleset file must be an absolute path (the scriptlet runs from util-vserver's working directory)", file)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return c.refuse("nft -f %s: the ruleset file cannot be read: %v", file, unwrapPath(err))
	}
	st.nftables, st.nftablesFrom = string(data), c.at()+" (nft -f "+file+")"
	return nil
}
