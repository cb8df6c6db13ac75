// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"bytes"
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// singleQuote quotes s for the shell with single quotes.
func singleQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// formatVars writes v back as shell assignments, sorted.
func formatVars(v Vars) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + singleQuote(v[k]) + "\n")
	}
	return b.String()
}

// FuzzParseVars: any input either fails with a *SyntaxError naming the file,
// or yields valid names whose values survive a write/read round trip.
func FuzzParseVars(f *testing.F) {
	f.Add(sampleVars)
	f.Add("A=1; B=\"$A x\" C='${A}'\nexport D=$B\n")
	f.Add("A=\"unterminated\n")
	f.Add("A=${B:-x}")
	f.Add("A=\\\nB")
	f.Fuzz(func(t *testing.T, in string) {
		v, err := ParseVars(strings.NewReader(in), "fuzz")
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.File != "fuzz" || se.Line < 1 || !strings.HasPrefix(err.Error(), "fuzz:") {
				t.Fatalf("error %v (%T) is not a *SyntaxError naming the file", err, err)
			}
			return
		}
		for k := range v {
			if !IsShellName(k) {
				t.Fatalf("invalid name %q", k)
			}
		}
		again, err := ParseVars(strings.NewReader(formatVars(v)), "again")
		if err != nil || !reflect.DeepEqual(again, v) && len(v) > 0 {
			t.Fatalf("round trip: %v, %v != %v", err, again, v)
		}
	})
}

// FuzzParseVarsQuoting: a value written in single quotes, double quotes
// with escapes, or referenced as $A, "$A", ${A} always reads back as itself.
func FuzzParseVarsQuoting(f *testing.F) {
	for _, s := range []string{"", "plain", "a b", `it's "x" $y \z`, "#c", "multi\nline", "`cmd`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		if strings.ContainsRune(value, 0) || !utf8.ValidString(value) {
			return // NUL cannot be in a shell variable; shlex reads runes
		}
		dq := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "`", "\\`").Replace(value)
		in := "A=" + singleQuote(value) + "\nB=$A\nC=\"$A\"\nD=x${A}y\nE=\"" + dq + "\"\n"
		v, err := ParseVars(strings.NewReader(in), "q")
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		want := Vars{"A": value, "B": value, "C": value, "D": "x" + value + "y", "E": value}
		if !reflect.DeepEqual(v, want) {
			t.Fatalf("%q:\n got %q\nwant %q", in, v, want)
		}
	})
}

// FuzzReaders: values and lists never keep newlines, blanks at either end
// or comments; lists round-trip; the file readers agree with the parsers.
func FuzzReaders(f *testing.F) {
	for _, s := range []string{"42\n", "42\r\n", "  fw \t\nignored\n", "", "\n\n", "# c\n a \n\n#x\nb\r\n", "a\x00b"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v := ParseValue(data)
		first, _, _ := bytes.Cut(data, []byte("\n"))
		if strings.ContainsRune(v, '\n') || v != strings.TrimSpace(v) || !strings.Contains(string(first), v) {
			t.Fatalf("ParseValue(%q) = %q", data, v)
		}
		list := ParseList(data)
		for _, e := range list {
			if e == "" || e != strings.TrimSpace(e) || strings.ContainsRune(e, '\n') || e[0] == '#' {
				t.Fatalf("ParseList(%q) has entry %q", data, e)
			}
		}
		if again := ParseList([]byte(strings.Join(list, "\n"))); !reflect.DeepEqual(again, list) {
			t.Fatalf("list round trip: %q != %q", again, list)
		}
		if v != "" && v[0] != '#' && (len(list) == 0 || list[0] != v) {
			t.Fatalf("first entry %q != value %q", list, v)
		}
		checkFileReaders(t, data, v, list)
	})
}

func checkFileReaders(t *testing.T, data []byte, v string, list []string) {
	path := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var probs Problems
	r := reader{probs: &probs}
	fv, ok1 := r.value(path)
	fl, ok2 := r.list(path)
	if !ok1 || !ok2 || fv != v || !reflect.DeepEqual(fl, list) || len(probs) != 0 {
		t.Fatalf("file readers: %q %v %q %v %v", fv, ok1, fl, ok2, probs)
	}
}

// FuzzParseAddr: an accepted address is a unicast prefix that prints and
// parses back to itself, unmasked.
func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"192.0.2.5/24", "2001:db8::2/64", "0.0.0.0/0", "::1/128", "fe80::1%eth0/64", "10.0.0.1", "1.2.3.4/33"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseAddr(s)
		if err != nil {
			if !strings.Contains(err.Error(), "allowed:") {
				t.Fatalf("error without what is allowed: %v", err)
			}
			return
		}
		if !p.IsValid() || !isUnicast(p.Addr()) || p.Addr().Zone() != "" {
			t.Fatalf("%q accepted as %v", s, p)
		}
		if again, err := ParseAddr(p.String()); err != nil || again != p {
			t.Fatalf("round trip %q: %v %v", s, again, err)
		}
		addr, _, _ := strings.Cut(s, "/")
		if a, err := ParseGateway(addr); err != nil || a != p.Addr() {
			t.Fatalf("%q: the address was changed to %v (%v)", s, p.Addr(), err)
		}
	})
}

// FuzzParseMAC: an accepted MAC is "auto" or a 6-octet unicast, non-zero
// address that round-trips.
func FuzzParseMAC(f *testing.F) {
	for _, s := range []string{"auto", "02:00:02:00:2a:00", "03:00:00:00:00:01", "00:00:00:00:00:00",
		"0200.0000.0001", "02-00-00-00-00-01", "02:00:00:00:00:00:00:01", "AUTO"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		mac, auto, err := ParseMAC(s)
		switch {
		case err != nil:
			if auto || mac != nil || !strings.Contains(err.Error(), "allowed:") {
				t.Fatalf("%q: %v %v %v", s, mac, auto, err)
			}
		case auto:
			if s != "auto" || mac != nil {
				t.Fatalf("%q: auto with %v", s, mac)
			}
		default:
			if len(mac) != 6 || mac[0]&1 != 0 || bytes.Equal(mac, make([]byte, 6)) {
				t.Fatalf("%q accepted as %v", s, mac)
			}
			if again, _, err := ParseMAC(mac.String()); err != nil || !bytes.Equal(again, mac) {
				t.Fatalf("round trip %q: %v %v", s, again, err)
			}
		}
	})
}

// FuzzParseInterfaceNum: exactly the canonical decimals 0–255 are accepted.
func FuzzParseInterfaceNum(f *testing.F) {
	for _, s := range []string{"0", "7", "255", "256", "01", "+1", "-0", " 1", "1e2", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseInterfaceNum(s)
		canonical := false
		if m, aerr := strconv.Atoi(s); aerr == nil && m >= 0 && m <= MaxIfNum && strconv.Itoa(m) == s {
			canonical = true
		}
		if (err == nil) != canonical {
			t.Fatalf("%q: accepted=%v, canonical=%v", s, err == nil, canonical)
		}
		if err == nil && strconv.Itoa(n) != s {
			t.Fatalf("%q parsed as %d", s, n)
		}
	})
}

// FuzzGenerateMAC: the fields can be read back; both sides are unicast,
// locally administered and differ only in the first octet.
func FuzzGenerateMAC(f *testing.F) {
	f.Add(uint16(2), uint16(42), uint8(0))
	f.Add(uint16(4094), uint16(65535), uint8(255))
	f.Fuzz(func(t *testing.T, vlan, id uint16, num uint8) {
		mac := GenerateMAC(int(vlan), int(id), int(num))
		host := HostSideMAC(mac)
		if len(mac) != 6 || mac[0] != 0x02 || host[0] != 0x06 || !bytes.Equal(mac[1:], host[1:]) {
			t.Fatalf("%v / %v", mac, host)
		}
		if got := int(mac[1])<<8 | int(mac[2]); got != int(vlan) {
			t.Fatalf("vlan %d read back as %d", vlan, got)
		}
		if got := int(mac[3])<<8 | int(mac[4]); got != int(id) {
			t.Fatalf("id %d read back as %d", id, got)
		}
		if mac[5] != num {
			t.Fatalf("num %d read back as %d", num, mac[5])
		}
		for _, m := range []net.HardwareAddr{mac, host} {
			if _, _, err := ParseMAC(m.String()); err != nil || m[0]&2 == 0 {
				t.Fatalf("%v: %v", m, err)
			}
		}
	})
}

// FuzzNames: accepted interface and namespace names obey the rules; the
// derived veth host name always fits and is valid for a valid namespace
// name made of printable non-blank characters other than ':'.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"eth0", "fw-vlan2", "a b", "a:b", "..", "", "verylongnamespacename", "ß€😀x"} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, num uint8) {
		if ValidateIfName(s) == nil {
			if len(s) == 0 || len(s) > 15 || strings.ContainsAny(s, "/:") || strings.IndexFunc(s, unicode.IsSpace) >= 0 || s == "." || s == ".." {
				t.Fatalf("interface name %q accepted", s)
			}
		}
		if ValidateNamespaceName(s) == nil {
			if s == "" || len(s) > MaxNamespaceNameLen || strings.ContainsAny(s, "/\x00") || s == "." || s == ".." {
				t.Fatalf("namespace name %q accepted", s)
			}
			alias := (&Namespace{Name: s}).Alias(MaxIfNum)
			if len(alias) > MaxAliasLen {
				t.Fatalf("alias %q is %d bytes", alias, len(alias))
			}
		}
		host := DefaultHostName(s, int(num))
		if len(host) > MaxIfNameLen || utf8.ValidString(s) && !utf8.ValidString(host) {
			t.Fatalf("host name %q for %q", host, s)
		}
		if !strings.HasPrefix(host, "vx-") || !strings.HasSuffix(host, "-"+strconv.Itoa(int(num))) {
			t.Fatalf("host name %q for %q, %d", host, s, num)
		}
		clean := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) || r == ':' || r == '/' }) < 0
		if clean && utf8.ValidString(s) && ValidateIfName(host) != nil {
			t.Fatalf("host name %q for %q is invalid: %v", host, s, ValidateIfName(host))
		}
	})
}
