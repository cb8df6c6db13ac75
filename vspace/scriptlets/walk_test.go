// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package scriptlets

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// walked is one passed command: line, class, namespace and why it may
// not run.
type walked struct {
	Line  int
	Class Class
	NS    string
	Cond  string
}

func walk(t *testing.T, phase, text string) []walked {
	t.Helper()
	s, err := Parse("s", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	var got []walked
	err = s.Walk(phase, "fw", func(c *Command) error {
		if c.Class != Shell {
			got = append(got, walked{c.Line, c.Class, c.NS, c.Cond})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestWalk(t *testing.T) {
	for _, tc := range []struct {
		name, phase, text string
		want              []walked
	}{
		{"the wiki's form", "prepre-start", "case $1 in\n  prepre-start) $_HIP netns add ${2} ;;\n  postpost-stop) $_HIP netns del ${2} ;;\nesac\n",
			[]walked{{2, NamespaceCreate, "fw", ""}}},
		{"the other branch for the other phase", "postpost-stop", "case $1 in\n  prepre-start) $_HIP netns add ${2} ;;\n  postpost-stop) $_HIP netns del ${2} ;;\nesac\n",
			[]walked{{3, NamespaceDelete, "fw", ""}}},
		{"a case on an unknown word", "pre-start", "case $X in\n  a) ip netns add fw ;;\nesac\n",
			[]walked{{2, NamespaceCreate, "fw", "inside the case at line 1 on a word that cannot be decided from the scriptlet"}}},
		{"phase test, then the rest for this phase", "pre-start", "[ \"$1\" = pre-start ] || exit 0\nip link set v netns fw\n",
			[]walked{{2, LinkIntoNamespace, "fw", ""}}},
		{"phase test, nothing for another phase", "post-stop", "[ \"$1\" = pre-start ] || exit 0\nip link set v netns fw\n", nil},
		{"if false and if true", "pre-start", "if false; then\n ip netns add a\nelif true; then\n ip netns add b\nelse\n ip netns add c\nfi\n",
			[]walked{{4, NamespaceCreate, "b", ""}}},
		{"an undecided if: condition, both branches", "pre-start", "if [ -e /x ]; then\n ip netns add a\nelse\n ip netns add b\nfi\n",
			[]walked{{2, NamespaceCreate, "a", `inside the if at line 1, whose condition "if [ -e /x ]" cannot be decided from the scriptlet`},
				{4, NamespaceCreate, "b", `inside the if at line 1, whose condition "if [ -e /x ]" cannot be decided from the scriptlet`}}},
		{"after an exit", "pre-start", "exit 0\nip netns add a\n",
			[]walked{{2, NamespaceCreate, "a", "after the exit at line 1, which always ends the scriptlet before"}}},
		{"both sides of &&", "pre-start", "ip netns add a && ip link set v netns a\n",
			[]walked{{1, NamespaceCreate, "a", "on a side of && or || at line 1, whose outcome cannot be decided from the scriptlet"},
				{1, LinkIntoNamespace, "a", "on a side of && or || at line 1, whose outcome cannot be decided from the scriptlet"}}},
		{"X || true is X", "pre-start", "ip netns add a || true\n", []walked{{1, NamespaceCreate, "a", ""}}},
		{"a loop", "pre-start", "for n in a b; do\n  ip netns add $n\ndone\n",
			[]walked{{2, NamespaceCreate, "${n}", "inside the for loop at line 1, which may run its body any number of times"}}},
		{"a function never called, one called with arguments", "pre-start", "a() {\n  ip netns add a\n}\nb() {\n  ip netns add $1\n}\nb x\n",
			[]walked{{5, NamespaceCreate, "x", ""}, {2, NamespaceCreate, "a", "in function a (line 1), which the scriptlet never calls"}}},
		{"a variable assigned in an undecided if", "pre-start", "if [ -e /x ]; then NS=a; fi\nip netns add $NS\n",
			[]walked{{2, NamespaceCreate, "${NS}", ""}}},
		{"nft and another program in a namespace, ip inside", "pre-start", "ip netns exec fw nft -f /etc/x.nft\nip netns exec fw iptables-restore < /x\nip netns exec fw ip link set lo up\n",
			[]walked{{1, NftInNamespace, "fw", ""}, {2, ExecInNamespace, "fw", ""}, {3, IP, "fw", ""}}},
		{"VSPACE_SHARED_CMD", "prepre-start", "VSPACE_SHARED_CMD=()\necho ${VSPACE_SHARED_CMD[@]}\nwhile false; do VSPACE_SHARED_CMD+=(x); done\n",
			[]walked{{1, VspaceWrite, "", ""}, {2, VspaceRead, "", ""}, {3, VspaceWrite, "", ""}}},
		{"sourcing util-vserver-vars is shell, other programs are not", "pre-start", ". /usr/lib/util-vserver/util-vserver-vars\necho hi\n",
			[]walked{{2, Other, "", ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := walk(t, tc.phase, tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		text string
		line int
		msg  string
	}{
		{"ip netns add 'a\n", 1, "unterminated single quote"},
		{"if true; then\n  :\n", 1, "if is never closed by fi"},
		{":\ndone\n", 2, "done without a matching opening"},
		{"f() ( : )\n", 1, "must be in braces"},
		{"echo $(date\n", 1, "unterminated $(d"},
	} {
		_, err := Parse("s", []byte(tc.text))
		se, ok := err.(*Error)
		if !ok || se.Line != tc.line || !strings.Contains(se.Msg, tc.msg) || !strings.HasPrefix(err.Error(), fmt.Sprintf("s:%d: ", tc.line)) {
			t.Errorf("Parse(%q) = %v, want line %d with %q", tc.text, err, tc.line, tc.msg)
		}
	}
}
