package netns

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// maxIfName is the longest interface name Linux accepts (IFNAMSIZ - 1).
const maxIfName = 15

// tempPrefix starts every temporary host name vserverx gives a link before
// it moves it into its namespace.
const tempPrefix = "vsxt"

// randomTempName returns "vsxt" and 10 random hex digits: 14 bytes, and
// unique enough that two concurrent starts do not collide.
func randomTempName() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return tempPrefix + hex.EncodeToString(b)
}

// vethHostName returns the host-side name of a veth: the configured one, or
// one derived from X and N ("vx-X-N", X shortened and cleaned so the whole
// name is a valid interface name of at most 15 bytes).
func vethHostName(def *config.Namespace, ifc *config.Interface) string {
	if ifc.Host != "" {
		return ifc.Host
	}
	num := "-" + strconv.Itoa(ifc.Num)
	clean := strings.Map(func(r rune) rune {
		if r <= ' ' || r == ':' || r == '/' || r > '~' {
			return '_'
		}
		return r
	}, def.Name)
	base := "vx-" + clean
	if max := maxIfName - len(num); len(base) > max {
		base = base[:max]
	}
	return base + num
}
