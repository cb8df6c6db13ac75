package netns

import (
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// maxAliasLen is the longest interface alias the kernel accepts (IFALIASZ
// is 256 including the terminating NUL).
const maxAliasLen = 255

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

// formatAlias returns the alias of link N of namespace X; for a phys device
// the record is appended as ":key=value" fields. Values never contain ':'
// (interface names cannot; the MAC and the old alias are hex).
func formatAlias(ns string, num int, p *physRecord) string {
	s := (&config.Namespace{Name: ns}).Alias(num)
	if p == nil {
		return s
	}
	s += fmt.Sprintf(":%s=%s:%s=%d:%s=%d", keyOrig, p.OrigName, keyMTU, p.MTU, keyUp, boolInt(p.Up))
	if p.MAC != nil {
		s += ":" + keyMAC + "=" + hex.EncodeToString(p.MAC)
	}
	if p.OrigAlias != "" {
		s += ":" + keyAlias + "=" + hex.EncodeToString([]byte(p.OrigAlias))
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parseAlias reads a vserverx alias. ok is false for any other alias. X may
// contain ':'; N is the last field before the optional key=value fields.
func parseAlias(alias string) (tag linkTag, ok bool) {
	rest, found := strings.CutPrefix(alias, config.AliasPrefix)
	if !found {
		return linkTag{}, false
	}
	fields := strings.Split(rest, ":")
	kv := map[string]string{}
	for len(fields) > 0 {
		k, v, isKV := strings.Cut(fields[len(fields)-1], "=")
		if !isKV || !knownKey(k) {
			break
		}
		kv[k] = v
		fields = fields[:len(fields)-1]
	}
	if len(fields) < 2 {
		return linkTag{}, false
	}
	num, err := strconv.Atoi(fields[len(fields)-1])
	if err != nil || num < 0 || num > 255 || strconv.Itoa(num) != fields[len(fields)-1] {
		return linkTag{}, false
	}
	tag = linkTag{NS: strings.Join(fields[:len(fields)-1], ":"), Num: num}
	if tag.NS == "" {
		return linkTag{}, false
	}
	if len(kv) > 0 {
		if tag.Phys, err = parsePhys(kv); err != nil {
			return linkTag{}, false
		}
	}
	return tag, true
}

func knownKey(k string) bool {
	switch k {
	case keyOrig, keyMTU, keyUp, keyMAC, keyAlias:
		return true
	}
	return false
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
