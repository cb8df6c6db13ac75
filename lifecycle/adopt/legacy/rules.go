// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"slices"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// legacyRule is a policy rule a scriptlet adds inside the namespace: a
// line of the rules file. Its iif and oif devices are kept as links, so
// that a later rename is followed.
type legacyRule struct {
	words []string      // the words, each device as a placeholder
	devs  map[int]*link // word index → the device named there
}

// line is the rule as a rules file line, with the devices' final names.
func (r legacyRule) line() string {
	words := slices.Clone(r.words)
	for i, l := range r.devs {
		words[i] = l.name
	}
	return strings.Join(words, " ")
}

// ruleWords are the words of ip rule add the rules file knows, with
// whether they take a value; ruleAliases are ip's other spellings of them.
var (
	ruleWords   = map[string]bool{"not": false, "from": true, "to": true, "iif": true, "oif": true, "fwmark": true, "lookup": true, "table": true, "priority": true}
	ruleAliases = map[string]string{"pref": "priority", "preference": "priority", "prio": "priority", "iifname": "iif", "oifname": "oif", "dev": "iif"}
)

// ruleAdd reads ip rule add RULE (the words in c.args) as a line of the
// namespace's rules file; config checks it when the adoption is tried.
// "from all" is ip's default and is left out.
func (c *ipCmd) ruleAdd() error {
	if c.ns == "" {
		return c.refuse("adds a policy rule on the host; vserverx sets rules only inside the namespace")
	}
	r := legacyRule{devs: map[int]*link{}}
	for len(c.args) > 0 {
		w, err := c.next("a rule word")
		if err != nil {
			return err
		}
		if alias, ok := ruleAliases[w]; ok {
			w = alias
		}
		if err := c.ruleWord(&r, w); err != nil {
			return err
		}
	}
	c.pinFamily(&r)
	c.r.net.rules = append(c.r.net.rules, r)
	return nil
}

// pinFamily keeps an ip -4 or ip -6 rule without prefixes in its family:
// the rules file reads such a line as one rule of each family, so it gets
// "from 0.0.0.0/0" or "from ::/0" (what "from all" means in that family).
func (c *ipCmd) pinFamily(r *legacyRule) {
	if c.family == "" || slices.Contains(r.words, "from") || slices.Contains(r.words, "to") {
		return
	}
	all := map[string]string{"-4": "0.0.0.0/0", "-6": "::/0"}[c.family]
	r.words = append([]string{"from", all}, r.words...)
	devs := map[int]*link{}
	for i, l := range r.devs {
		devs[i+2] = l
	}
	r.devs = devs
}

// ruleWord adds word w, and its value when it takes one, to rule r.
func (c *ipCmd) ruleWord(r *legacyRule, w string) error {
	takes, known := ruleWords[w]
	if !known {
		return c.refuse("%q: %q is not understood (the rules file knows: %s)", c.c.Raw, w, strings.Join(slices.Sorted(mapKeys(ruleWords)), ", "))
	}
	if !takes {
		r.words = append(r.words, w)
		return nil
	}
	v, err := c.next("the value of " + w)
	if err != nil {
		return err
	}
	if w == "from" && v == "all" {
		return nil
	}
	r.words = append(r.words, w, v)
	if w == "iif" || w == "oif" {
		l := c.r.net.find(c.ns, v)
		if l == nil {
			return c.refuse("device %s is not in namespace %s: no scriptlet creates it or moves it there before this line", v, c.ns)
		}
		r.devs[len(r.words)-1] = l
	}
	return nil
}

// rulesFile is the content of the rules file of the rules st holds, ""
// for none.
func (st *netState) rulesFile() string {
	var b strings.Builder
	for _, r := range st.rules {
		b.WriteString(r.line() + "\n")
	}
	return b.String()
}

// renderRules adds the rules file to the files of a proposal.
func (p *Proposal) renderRules(files map[string]string) {
	if p.Rules != "" {
		files[config.NSRules] = p.Rules
	}
}
