// Package cmdtable is the one description of vserverx's command line: its
// commands, their arguments and flags, one-line and long descriptions, the
// global options and the exit status table. The CLI (cmd/vserverx) builds
// its commands and help from it; the generator (internal/gendoc, run by go
// generate) writes the man page's generated sections and the bash
// completion's word lists from it. It is plain data: no CLI library, no
// generator code.
package cmdtable
