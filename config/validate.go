// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the values vserverx accepts.
const (
	MaxIfNameLen = 15    // IFNAMSIZ - 1
	MaxAliasLen  = 255   // IFALIASZ - 1
	MaxIfNum     = 255   // interfaces/N
	MaxID        = 65535 // id and context
	MinVLAN      = 1
	MaxVLAN      = 4094
	MinMTU       = 68 // the IPv4 minimum
	MaxMTU       = 65535
)

// MaxNamespaceNameLen is the longest namespace name X for which the alias
// "vserverx:X:N" of every interface (N up to 255) fits in MaxAliasLen bytes.
const MaxNamespaceNameLen = MaxAliasLen - len(AliasPrefix) - len(":255")

// ValidateNamespaceName checks a namespace name X: non-empty, no '/', not
// "." or "..", valid UTF-8 without control characters (NUL, newline, ...),
// at most MaxNamespaceNameLen bytes (so that iproute2 can name
// /run/netns/X, util-vserver's shell can pass it on, and the alias
// vserverx:X:N fits).
func ValidateNamespaceName(x string) error {
	switch {
	case x == "":
		return errors.New("namespace name is empty")
	case x == "." || x == "..":
		return fmt.Errorf("namespace name %q is not allowed", x)
	case strings.ContainsAny(x, "/\x00"):
		return fmt.Errorf("namespace name %q contains '/' or NUL; not allowed", x)
	case !utf8.ValidString(x):
		return fmt.Errorf("namespace name %q is not valid UTF-8; not allowed", x)
	case strings.IndexFunc(x, unicode.IsControl) >= 0:
		return fmt.Errorf("namespace name %q contains a control character; not allowed", x)
	case len(x) > MaxNamespaceNameLen:
		return fmt.Errorf("namespace name is %d bytes long; at most %d bytes are allowed (the alias %s%s:N must fit in %d bytes)",
			len(x), MaxNamespaceNameLen, AliasPrefix, "X", MaxAliasLen)
	}
	return nil
}

// ValidateIfName checks a network interface name (inside a namespace, a
// veth host side, a link or bridge): 1–15 bytes, no '/', ':' or whitespace,
// not "." or "..". These are the kernel's rules (dev_valid_name) plus ':',
// which iproute2 reserves for old-style aliases, '%' (a name template the
// kernel fills in) and "all" and "default", whose sysctl directories the
// kernel already has (it refuses such a link: Invalid argument).
func ValidateIfName(s string) error {
	const allowed = "allowed: 1–15 bytes without '/', ':' or whitespace, not \".\" or \"..\""
	switch {
	case s == "":
		return fmt.Errorf("interface name is empty; %s", allowed)
	case len(s) > MaxIfNameLen:
		return fmt.Errorf("interface name %q is %d bytes long; %s", s, len(s), allowed)
	case s == "." || s == "..":
		return fmt.Errorf("interface name %q is not allowed; %s", s, allowed)
	case strings.ContainsAny(s, "/:\x00") || strings.IndexFunc(s, unicode.IsSpace) >= 0:
		return fmt.Errorf("interface name %q contains '/', ':' or whitespace; %s", s, allowed)
	case strings.Contains(s, "%"):
		return fmt.Errorf("interface name %q contains '%%', which the kernel reads as a template (eth%%d: the next free number) and replaces; %s, without '%%'", s, allowed)
	case s == "all" || s == "default":
		return fmt.Errorf("interface name %q is reserved by the kernel (net.ipv4.conf.%s means every or new interfaces) and refused for a link (Invalid argument); choose another name", s, s)
	}
	return nil
}

// ParseInterfaceNum parses the name of an interfaces/N directory: a decimal
// 0–255 without sign or leading zeros.
func ParseInterfaceNum(s string) (int, error) {
	n, err := parseDecimal(s, 0, MaxIfNum)
	if err != nil {
		return 0, fmt.Errorf("%q is not an interface number; allowed: decimal 0–255 without leading zeros or sign", s)
	}
	return n, nil
}

// parseDecimal parses a plain decimal number in [min, max]: digits only, no
// sign, no leading zeros (util-vserver's shell would read 010 as octal).
func parseDecimal(s string, min, max int) (int, error) {
	if s == "" || len(s) > 1 && s[0] == '0' || strings.Trim(s, "0123456789") != "" {
		return 0, errors.New("not a plain decimal number")
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		return 0, fmt.Errorf("out of range %d–%d", min, max)
	}
	return n, nil
}

// parseNumber parses the value of a numeric key for messages: what names
// the value (e.g. "VLAN id").
func parseNumber(s, what string, min, max int) (int, error) {
	n, err := parseDecimal(s, min, max)
	if err != nil {
		return 0, fmt.Errorf("%q is not a valid %s; allowed: decimal %d–%d", s, what, min, max)
	}
	return n, nil
}

// ParseAddr parses one line of interfaces/N/ip: an IPv4 or IPv6 address
// with prefix length (CIDR). The address is kept as written (192.0.2.5/24
// stays 192.0.2.5/24, it is not masked). It must be a unicast address.
func ParseAddr(s string) (netip.Prefix, error) {
	const allowed = "allowed: an IPv4 or IPv6 address with prefix length, like 192.0.2.2/24 or 2001:db8::2/64"
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address in CIDR form; %s", s, allowed)
	}
	if !isUnicast(p.Addr()) {
		return netip.Prefix{}, fmt.Errorf("%s is not a unicast address; %s", p.Addr(), allowed)
	}
	return p, nil
}

// ParseGateway parses one line of interfaces/N/gateway: a unicast IPv4 or
// IPv6 address without prefix length.
func ParseGateway(s string) (netip.Addr, error) {
	const allowed = "allowed: an IPv4 or IPv6 address like 192.0.2.1 or 2001:db8::1"
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("%q is not a gateway address; %s", s, allowed)
	}
	if !isUnicast(a) {
		return netip.Addr{}, fmt.Errorf("%s is not a unicast address; %s", a, allowed)
	}
	return a, nil
}

func isUnicast(a netip.Addr) bool {
	return a.IsValid() && !a.IsUnspecified() && !a.IsMulticast() && a != netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// ValidateSysctlKey checks the name of a file in .netns/X/sysctl/: a dotted
// key under net. (only those are per network namespace: any other key would
// change the whole host) with no empty component.
func ValidateSysctlKey(key string) error {
	const allowed = "allowed: a net.* key like net.ipv4.ip_forward (only those belong to a network namespace)"
	if !strings.HasPrefix(key, "net.") {
		return fmt.Errorf("sysctl %q is not per network namespace; %s", key, allowed)
	}
	for _, part := range strings.Split(key, ".") {
		if part == "" {
			return fmt.Errorf("sysctl %q has an empty component; %s", key, allowed)
		}
	}
	return nil
}

// DefaultHostName returns the default host-side name of veth interface num
// of namespace x: "vx-" + x + "-" + num, with x cut (at a character
// boundary) so that the whole fits in MaxIfNameLen bytes. Reading a
// configuration checks it with ValidateIfName.
func DefaultHostName(x string, num int) string {
	suffix := "-" + strconv.Itoa(num)
	room := MaxIfNameLen - len("vx-") - len(suffix)
	cut := x
	if len(cut) > room {
		cut = cut[:room]
		for len(cut) > 0 && !validUTF8End(cut) {
			cut = cut[:len(cut)-1]
		}
	}
	return "vx-" + cut + suffix
}

// validUTF8End reports whether s does not end in the middle of a UTF-8
// sequence.
func validUTF8End(s string) bool {
	for i := len(s) - 1; i >= 0 && i >= len(s)-4; i-- {
		c := s[i]
		if c < 0x80 {
			return true
		}
		if c >= 0xC0 { // start byte: sequence length must fit
			need := 2
			if c >= 0xE0 {
				need = 3
			}
			if c >= 0xF0 {
				need = 4
			}
			return len(s)-i >= need
		}
	}
	return true
}
