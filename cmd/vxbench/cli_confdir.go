// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"strconv"
)

// groupFiles adds the definition of namespace x to files: id id and one
// macvlan on eth0 (bridge mode, interface name eth0).
func groupFiles(files map[string]string, x string, id int) {
	d := ".netns/" + x + "/"
	files[d+"id"] = strconv.Itoa(id) + "\n"
	files[d+"interfaces/0/type"] = "macvlan\n"
	files[d+"interfaces/0/link"] = "eth0\n"
}

// guestFiles adds guest name to files: its context, a vdir and, when x is
// not empty, spaces/net naming x.
func guestFiles(files map[string]string, name string, ctx int, x string) {
	files[name+"/context"] = strconv.Itoa(ctx) + "\n"
	files[name+"/vdir/.keep"] = ""
	if x != "" {
		files[name+"/spaces/net"] = x + "\n"
	}
}

// planGuest is the guest whose plan is timed in every plan confdir.
const planGuest = "vs0000"

// planGroupSize is the number of guests per group in the plan confdirs.
const planGroupSize = 10

// planConfdir writes a confdir of n guests vs0000.. in groups of 10 (guest
// i in namespace p(i/10), each defined with one macvlan), as a host with
// many guests in many security zones has.
func planConfdir(dir string, n int) error {
	files := map[string]string{}
	for i := range n {
		x := fmt.Sprintf("p%03d", i/planGroupSize)
		if i%planGroupSize == 0 {
			groupFiles(files, x, 1+i/planGroupSize)
		}
		guestFiles(files, fmt.Sprintf("vs%04d", i), 1000+i, x)
	}
	if err := writeFiles(dir, files); err != nil {
		return fmt.Errorf("writing plan confdir %s: %w", dir, err)
	}
	return nil
}

// Names of the member-stop confdir.
const (
	memberGroup = "dmz"   // the group's namespace
	plainGuest  = "plain" // the guest outside any vserverx group, stopped plainly as the baseline
)

// memberName is the name of member i of the member-stop group.
func memberName(i int) string { return fmt.Sprintf("m%02d", i) }

// memberConfdir writes group dmz (one macvlan) with n members m00.. and
// the guest plain outside any group.
func memberConfdir(dir string, n int) error {
	files := map[string]string{}
	groupFiles(files, memberGroup, 7)
	for i := range n {
		guestFiles(files, memberName(i), 200+i, memberGroup)
	}
	guestFiles(files, plainGuest, 199, "")
	if err := writeFiles(dir, files); err != nil {
		return fmt.Errorf("writing member-stop confdir %s: %w", dir, err)
	}
	return nil
}

// listGroupSize is the number of guests per group in the list confdir.
const listGroupSize = 10

// listName is the name of guest i of the list confdir.
func listName(i int) string { return fmt.Sprintf("l%02d", i) }

// listConfdir writes n guests l00.. in groups of 10 (namespaces lg0..,
// one macvlan each).
func listConfdir(dir string, n int) error {
	files := map[string]string{}
	for i := range n {
		x := "lg" + strconv.Itoa(i/listGroupSize)
		if i%listGroupSize == 0 {
			groupFiles(files, x, 50+i/listGroupSize)
		}
		guestFiles(files, listName(i), 300+i, x)
	}
	if err := writeFiles(dir, files); err != nil {
		return fmt.Errorf("writing list confdir %s: %w", dir, err)
	}
	return nil
}

// listRunning are the guests of the list confdir that run while list is
// timed: one in each of the first three groups (fewer in a smaller
// confdir).
func listRunning(n int) []string {
	var out []string
	for i := 0; i < n && len(out) < 3; i += listGroupSize {
		out = append(out, listName(i))
	}
	return out
}
