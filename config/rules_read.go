// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import "net/netip"

// ruleWords are the words of a rules line.
var ruleWords = []string{"from", "to", "iif", "oif", "fwmark", "lookup", "table", "priority"}

// ruleForm is the syntax of a rules line, for messages.
const ruleForm = "[not] [from PREFIX] [to PREFIX] [iif IF] [oif IF] [fwmark M[/MASK]] lookup|table T [priority N]"

// parseRules parses and checks every line of a rules file. A line
// without from and to gives one rule of each family.
func parseRules(r reader, ns *Namespace, lines []wordLine) []Rule {
	var out []Rule
	seen := map[string]Rule{}
	for _, line := range lines {
		c := newCursor(r, line)
		rules, ok := parseRule(c, ns)
		if !ok {
			continue
		}
		for _, ru := range rules {
			if first, dup := seen[ru.String()]; dup {
				c.failLine("duplicate: %s is the same rule as %s", ru, first.Where())
				break
			}
			seen[ru.String()] = ru
			out = append(out, ru)
		}
	}
	return out
}

// parseRule parses one rules line.
func parseRule(c *wordCursor, ns *Namespace) ([]Rule, bool) {
	ru := Rule{File: c.line.file, Line: c.line.num}
	if c.line.words[0] == "not" {
		ru.Not = true
		c.i++
	}
	for !c.done() {
		parseRuleWord(c, &ru)
	}
	if !c.seen["lookup"] && !c.seen["table"] {
		c.failLine("names no table: lookup T (or table T) is required; the form is %s", ruleForm)
	}
	if c.seen["lookup"] && c.seen["table"] {
		c.failAt(c.pos["table"], "lookup and table are the same; give one")
	}
	for _, key := range []string{"iif", "oif"} {
		if c.seen[key] {
			checkDev(c, ns, key, ruleDev(ru, key))
		}
	}
	if c.bad {
		return nil, false
	}
	return ruleFamilies(c, ru)
}

// ruleDev is the interface after iif or oif.
func ruleDev(ru Rule, key string) string {
	if key == "iif" {
		return ru.IIF
	}
	return ru.OIF
}

// parseRuleWord reads one keyword of a rules line and its value.
func parseRuleWord(c *wordCursor, ru *Rule) {
	w, at, ok := c.keyword(ruleWords, "the form is "+ruleForm)
	if !ok {
		c.skipValue()
		return
	}
	switch w {
	case "from":
		ru.From, _ = parseWith(c, w, at, "a prefix or all", parseRulePrefix)
	case "to":
		ru.To, _ = parseWith(c, w, at, "a prefix or all", parseRulePrefix)
	case "iif":
		ru.IIF, _ = parseWith(c, w, at, "an interface of the namespace", parseIfName)
	case "oif":
		ru.OIF, _ = parseWith(c, w, at, "an interface of the namespace", parseIfName)
	case "fwmark":
		parseRuleMark(c, ru, at)
	case "lookup", "table":
		ru.Table, _ = parseWith(c, w, at, "a routing table", ParseTable)
	case "priority":
		ru.Priority, ru.HasPriority = parseWith(c, w, at, "a number", parseCount("priority"))
	}
}

// parseRulePrefix is ParsePrefix, with "all" for none.
func parseRulePrefix(s string) (netip.Prefix, error) {
	if s == "all" {
		return netip.Prefix{}, nil
	}
	return ParsePrefix(s)
}

// parseRuleMark reads fwmark M[/MASK].
func parseRuleMark(c *wordCursor, ru *Rule, at int) {
	w, i, ok := c.value("fwmark", at, "a mark M or M/MASK")
	if !ok {
		return
	}
	m, hasMask, err := parseMark(w)
	if err != nil {
		c.failAt(i, "%v", err)
		return
	}
	ru.Mark, ru.Mask, ru.HasMark, ru.HasMask = m[0], m[1], true, hasMask
}

// ruleFamilies gives the rule its family from its prefixes; without
// prefixes it is one rule for each family.
func ruleFamilies(c *wordCursor, ru Rule) ([]Rule, bool) {
	from, to := ru.From, ru.To
	switch {
	case from.IsValid() && to.IsValid() && from.Addr().Is6() != to.Addr().Is6():
		c.failAt(c.valueAt("to"), "to is %s, from (word %d) is %s; a rule has one address family",
			familyName(to.Addr()), c.valueAt("from")+1, familyName(from.Addr()))
		return nil, false
	case from.IsValid():
		ru.IPv6 = from.Addr().Is6()
	case to.IsValid():
		ru.IPv6 = to.Addr().Is6()
	default:
		v6 := ru
		v6.IPv6 = true
		return []Rule{ru, v6}, true
	}
	return []Rule{ru}, true
}
