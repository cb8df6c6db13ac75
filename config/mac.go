// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"fmt"
	"net"
)

// GeneratedMACPrefix is the first octet of every generated MAC address of an
// interface inside a namespace (unicast, locally administered).
const GeneratedMACPrefix = 0x02

// HostSideMACPrefix is the first octet of the host side of a veth pair
// (also unicast, locally administered).
const HostSideMACPrefix = 0x06

// GenerateMAC returns the MAC address of interface num of a namespace whose
// id is id, on VLAN vlan (0 when the interface has none):
// 02:VV:VV:II:II:NN, each field big-endian hex. VLAN 2, id 42, interface 0
// gives 02:00:02:00:2a:00. Values are taken modulo their field width; the
// config package validates them before it generates anything.
func GenerateMAC(vlan, id, num int) net.HardwareAddr {
	return net.HardwareAddr{
		GeneratedMACPrefix,
		byte(vlan >> 8), byte(vlan),
		byte(id >> 8), byte(id),
		byte(num),
	}
}

// HostSideMAC returns mac with its first octet replaced by 06: the address
// of the host side of a veth pair whose namespace side has mac. mac itself is
// not changed. A nil or empty mac gives nil.
func HostSideMAC(mac net.HardwareAddr) net.HardwareAddr {
	if len(mac) == 0 {
		return nil
	}
	out := make(net.HardwareAddr, len(mac))
	copy(out, mac)
	out[0] = HostSideMACPrefix
	return out
}

// MACAutoValue is the content of interfaces/N/mac that asks for a generated
// address (also the default when the file is absent).
const MACAutoValue = "auto"

// ParseMAC parses the content of an interfaces/N/mac file: "auto" (auto is
// true, mac nil) or a 6-octet unicast address that is not all zeros, in any
// notation net.ParseMAC accepts (02:00:00:00:00:01, 02-00-..., 0200.0000.0001).
func ParseMAC(s string) (mac net.HardwareAddr, auto bool, err error) {
	if s == MACAutoValue {
		return nil, true, nil
	}
	mac, err = net.ParseMAC(s)
	if err != nil {
		return nil, false, fmt.Errorf("%q is not a MAC address; allowed: auto or a 6-octet MAC like 02:00:00:00:00:01", s)
	}
	if err := checkUnicastMAC(mac); err != nil {
		return nil, false, fmt.Errorf("MAC %s %w", mac, err)
	}
	return mac, false, nil
}

func checkUnicastMAC(mac net.HardwareAddr) error {
	if len(mac) != 6 {
		return fmt.Errorf("has %d octets; allowed: auto or a 6-octet MAC like 02:00:00:00:00:01", len(mac))
	}
	if mac[0]&1 != 0 {
		return fmt.Errorf("is a multicast address (lowest bit of the first octet set); allowed: a unicast MAC like 02:00:00:00:00:01")
	}
	for _, b := range mac {
		if b != 0 {
			return nil
		}
	}
	return fmt.Errorf("is all zeros; allowed: a unicast MAC like 02:00:00:00:00:01")
}
