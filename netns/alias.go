// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"encoding/hex"
	"fmt"
	"net"
	"strconv"

	"github.com/vserverx/vserverx/config"
)

// physRecord is what vserverx changes on a physical device it moves into a
// namespace, recorded in the device's alias so that teardown, also after a
// crash, can put the device back as it was.
type physRecord struct {
	OrigName  string           // name on the host
	MTU       int              // MTU on the host
	Up        bool             // administratively UP on the host
	MAC       net.HardwareAddr // address on the host; nil when vserverx does not change it
	OrigAlias string           // the device's own alias, "" for none
}

// linkTag is what a vserverx alias says about its link.
type linkTag struct {
	NS   string      // X
	Num  int         // N
	Phys *physRecord // non-nil for a physical device moved into X
}

// Keys of the fields a phys alias appends after "vserverx:X:N".
const (
	keyOrig  = "orig"
	keyMTU   = "mtu"
	keyUp    = "up"
	keyMAC   = "mac"
	keyAlias = "alias"
)

// physKeys are all of them, for config.ParseLinkAlias.
var physKeys = []string{keyOrig, keyMTU, keyUp, keyMAC, keyAlias}

// formatAlias returns the alias of link N of namespace X (config.LinkAlias);
// for a phys device the record is appended as ":key=value" fields. Values
// never contain ':' (interface names cannot; the MAC and the old alias are
// hex).
func formatAlias(ns string, num int, p *physRecord) string {
	return config.LinkAlias{NS: ns, Num: num, Fields: physFields(p)}.String()
}

// physFields are the alias fields of a phys record, none for nil.
func physFields(p *physRecord) []config.AliasField {
	if p == nil {
		return nil
	}
	f := []config.AliasField{
		{Key: keyOrig, Value: p.OrigName},
		{Key: keyMTU, Value: strconv.Itoa(p.MTU)},
		{Key: keyUp, Value: strconv.Itoa(boolInt(p.Up))},
	}
	if p.MAC != nil {
		f = append(f, config.AliasField{Key: keyMAC, Value: hex.EncodeToString(p.MAC)})
	}
	if p.OrigAlias != "" {
		f = append(f, config.AliasField{Key: keyAlias, Value: hex.EncodeToString([]byte(p.OrigAlias))})
	}
	return f
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parseAlias reads a vserverx alias (config.ParseLinkAlias with the phys
// keys). ok is false for any other alias, and for a phys record that does
// not parse.
func parseAlias(alias string) (tag linkTag, ok bool) {
	a, ok := config.ParseLinkAlias(alias, physKeys...)
	if !ok {
		return linkTag{}, false
	}
	tag = linkTag{NS: a.NS, Num: a.Num}
	if len(a.Fields) > 0 {
		var err error
		if tag.Phys, err = parsePhys(fieldMap(a.Fields)); err != nil {
			return linkTag{}, false
		}
	}
	return tag, true
}

// fieldMap maps each key to its value; of a repeated key the first field
// counts.
func fieldMap(fields []config.AliasField) map[string]string {
	kv := map[string]string{}
	for _, f := range fields {
		if _, seen := kv[f.Key]; !seen {
			kv[f.Key] = f.Value
		}
	}
	return kv
}

// parsePhys turns the key=value fields of a phys alias into a record.
func parsePhys(kv map[string]string) (*physRecord, error) {
	p := &physRecord{OrigName: kv[keyOrig], Up: kv[keyUp] == "1"}
	if p.OrigName == "" {
		return nil, fmt.Errorf("phys alias without %s=", keyOrig)
	}
	var err error
	if p.MTU, err = strconv.Atoi(kv[keyMTU]); err != nil {
		return nil, fmt.Errorf("phys alias: %s=%q: %w", keyMTU, kv[keyMTU], err)
	}
	if v, ok := kv[keyMAC]; ok {
		if p.MAC, err = hex.DecodeString(v); err != nil || len(p.MAC) == 0 {
			return nil, fmt.Errorf("phys alias: %s=%q: bad hex", keyMAC, v)
		}
	}
	if v, ok := kv[keyAlias]; ok {
		b, err := hex.DecodeString(v)
		if err != nil {
			return nil, fmt.Errorf("phys alias: %s=%q: bad hex", keyAlias, v)
		}
		p.OrigAlias = string(b)
	}
	return p, nil
}
