// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/google/shlex"
)

// splitWords splits one line into shell words; a '#' that starts a word
// starts a comment.
func splitWords(line string) ([]string, error) {
	words, err := shlex.Split(line)
	if err != nil {
		return nil, fmt.Errorf("cannot be split into words: %v", err)
	}
	return words, nil
}

// wordCursor walks the words of one line and records every problem with
// the line and the word it is about.
type wordCursor struct {
	r    reader
	line wordLine
	i    int  // index of the next word
	bad  bool // a problem was recorded
	seen map[string]bool
	pos  map[string]int // index of each keyword read
}

func newCursor(r reader, line wordLine) *wordCursor {
	return &wordCursor{r: r, line: line, seen: map[string]bool{}, pos: map[string]int{}}
}

// failAt records a problem about word i (0-based) of the line.
func (c *wordCursor) failAt(i int, format string, args ...any) {
	c.bad = true
	word := ""
	if i < len(c.line.words) {
		word = fmt.Sprintf(" %q", c.line.words[i])
	}
	c.r.add(c.line.file, "line %d, word %d%s: %s", c.line.num, i+1, word, fmt.Sprintf(format, args...))
}

// failLine records a problem about the line as a whole.
func (c *wordCursor) failLine(format string, args ...any) {
	c.bad = true
	c.r.add(c.line.file, "line %d: %s", c.line.num, fmt.Sprintf(format, args...))
}

// valueAt is the index of the value of keyword key.
func (c *wordCursor) valueAt(key string) int { return c.pos[key] + 1 }

// done reports whether every word was read.
func (c *wordCursor) done() bool { return c.i >= len(c.line.words) }

// next returns the next word and its index.
func (c *wordCursor) next() (string, int) {
	c.i++
	return c.line.words[c.i-1], c.i - 1
}

// keyword reads the next word as one of allowed; a word given twice is a
// problem.
func (c *wordCursor) keyword(allowed []string, what string) (string, int, bool) {
	w, i := c.next()
	if !slices.Contains(allowed, w) {
		c.failAt(i, "unknown word; allowed here: %s (%s)", strings.Join(allowed, ", "), what)
		return "", i, false
	}
	if c.seen[w] {
		c.failAt(i, "%s is given twice", w)
		return "", i, false
	}
	c.seen[w], c.pos[w] = true, i
	return w, i, true
}

// value reads the word after keyword key (at index at).
func (c *wordCursor) value(key string, at int, what string) (string, int, bool) {
	if c.done() {
		c.failAt(at, "%s needs a value: %s", key, what)
		return "", at, false
	}
	w, i := c.next()
	return w, i, true
}

// parseWith reads the value of key with parse; a value parse rejects is a
// problem about that word.
func parseWith[T any](c *wordCursor, key string, at int, what string, parse func(string) (T, error)) (T, bool) {
	var zero T
	w, i, ok := c.value(key, at, what)
	if !ok {
		return zero, false
	}
	v, err := parse(w)
	if err != nil {
		c.failAt(i, "%v", err)
		return zero, false
	}
	return v, true
}

// ParseTable parses a routing table: main, local, default or a number
// 1–4294967295.
func ParseTable(s string) (int, error) {
	if n, ok := tableNames[s]; ok {
		return n, nil
	}
	n, err := parseUint32(s)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("not a routing table; allowed: main, local, default or a number 1–%d", uint32(math.MaxUint32))
	}
	return int(n), nil
}

// parseUint32 parses a decimal or 0x-hexadecimal 32-bit number.
func parseUint32(s string) (uint32, error) {
	n, err := strconv.ParseUint(s, 0, 32)
	if err != nil || strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		return 0, errors.New("not a 32-bit number")
	}
	return uint32(n), nil
}

// parseCount parses a plain decimal 0–4294967295 (a metric, a priority).
func parseCount(what string) func(string) (int, error) {
	return func(s string) (int, error) {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil || strings.HasPrefix(s, "+") {
			return 0, fmt.Errorf("not a valid %s; allowed: decimal 0–%d", what, uint32(math.MaxUint32))
		}
		return int(n), nil
	}
}

// parseRouteMTU parses the mtu of a route.
func parseRouteMTU(s string) (int, error) { return parseNumber(s, "MTU", MinMTU, MaxMTU) }

// ParsePrefix parses a destination or rule prefix: an address with or
// without prefix length (a host). The host part is masked off, as the
// kernel does.
func ParsePrefix(s string) (netip.Prefix, error) {
	const allowed = "allowed: an IPv4 or IPv6 prefix like 198.51.100.0/24, 2001:db8:1::/48 or a single address"
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("not a prefix; %s", allowed)
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("not a prefix; %s", allowed)
	}
	return p.Masked(), nil
}

// parseHostAddr parses a gateway or source address.
func parseHostAddr(s string) (netip.Addr, error) { return ParseGateway(s) }

// parseIfName checks an interface name given after dev, iif or oif.
func parseIfName(s string) (string, error) {
	if err := ValidateIfName(s); err != nil {
		return "", err
	}
	return s, nil
}

// parseMark parses M or M/MASK (decimal or 0x-hexadecimal).
func parseMark(s string) (mark [2]uint32, hasMask bool, err error) {
	m, k, hasMask := strings.Cut(s, "/")
	const allowed = "allowed: a number M or M/MASK, decimal or 0x-hexadecimal, 32 bits each"
	if mark[0], err = parseUint32(m); err != nil {
		return mark, false, fmt.Errorf("not a firewall mark; %s", allowed)
	}
	if hasMask {
		if mark[1], err = parseUint32(k); err != nil {
			return mark, false, fmt.Errorf("not a firewall mark mask; %s", allowed)
		}
	}
	return mark, hasMask, nil
}
