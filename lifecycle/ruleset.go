// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
)

// RulesetState is how the nftables ruleset a namespace holds compares with
// its definition's ruleset file, as status and apply see it.
type RulesetState struct {
	File    string `json:"file,omitempty"`   // the definition's ruleset file, "" when there is none
	Loaded  string `json:"loaded,omitempty"` // the file vserverx loaded into the namespace, "" when none
	Matches bool   `json:"matches"`          // the namespace holds exactly what loading File produced
	Why     string `json:"why,omitempty"`    // what differs, when it does not match
}

// observeRuleset compares the ruleset ns holds with def's ruleset file:
// the file against the digest of the one vserverx loaded, and the live
// ruleset (nft --stateless list ruleset) against the digest of what that
// load produced, so that a rule added by hand inside shows too. It
// changes nothing.
func (e *Env) observeRuleset(ctx context.Context, ns *netns.NS, def *config.Namespace) (RulesetState, error) {
	st := RulesetState{File: def.Nftables}
	rec, had, err := e.readRecord(def.Name)
	switch {
	case err != nil:
		return st, err
	case !had && def.Nftables == "": // no ruleset of vserverx's, none defined
		st.Matches = true
		return st, nil
	}
	st.Loaded = rec.File
	if err := e.needNft(def); err != nil {
		return st, err
	}
	st.Why, err = e.rulesetDiffers(ctx, ns, def, rec, had)
	st.Matches = err == nil && st.Why == ""
	return st, err
}

// rulesetDiffers says how the ruleset of ns differs from def's file, given
// the record rec (had: there is one); "" when it does not.
func (e *Env) rulesetDiffers(ctx context.Context, ns *netns.NS, def *config.Namespace, rec rulesetRecord, had bool) (string, error) {
	switch {
	case def.Nftables == "":
		return fmt.Sprintf("the ruleset loaded from %s is no longer defined", rec.File), nil
	case !had:
		return fmt.Sprintf("%s is not loaded", def.Nftables), nil
	}
	sum, err := fileDigest(def.Nftables)
	if err != nil {
		return "", err
	}
	if rec.File != def.Nftables || rec.FileSum != sum {
		return fmt.Sprintf("%s changed since it was loaded", def.Nftables), nil
	}
	live, err := e.listRuleset(ctx, ns)
	if err != nil {
		return "", err
	}
	if digest([]byte(live)) != rec.Loaded {
		return fmt.Sprintf("the ruleset inside %s is not what loading %s produced (changed by hand?)", def.Name, def.Nftables), nil
	}
	return "", nil
}

// rulesetStep loads def's ruleset inside the namespace, right after lo is
// up and before any other interface exists or is UP, so that no packet
// crosses the namespace unfiltered. A namespace that already holds
// exactly that ruleset (another member of the group runs) keeps it.
func (e *Env) rulesetStep(def *config.Namespace) insideStep {
	return insideStep{
		Step: Step{
			Title: fmt.Sprintf("load the nftables ruleset %s inside %s (%s), before any interface is UP: from here on no packet crosses %s unfiltered",
				def.Nftables, def.Name, e.nftText(), def.Name),
			Details: []string{
				"replaces the whole ruleset in one transaction, as if the file began with `flush ruleset`; a failing file changes nothing",
				fmt.Sprintf("kept as it is when %s already holds what loading it produced (another member runs)", def.Name),
				fmt.Sprintf("its digest and that of the loaded ruleset are kept in %s for status and apply", recordPath(e.Paths.StateDir, def.Name)),
			},
		},
		do: func(ctx context.Context, ns *netns.NS) (netns.Undo, error) {
			st, err := e.observeRuleset(ctx, ns, def)
			if err != nil {
				return netns.NoUndo, err
			}
			if st.Matches {
				e.debugf("namespace %s already holds the ruleset of %s", def.Name, def.Nftables)
				return netns.NoUndo, nil
			}
			return e.replaceRuleset(ctx, ns, def)
		},
	}
}

// nftText is the load command, or that nft was not found (for plans).
func (e *Env) nftText() string {
	if e.Nft != "" {
		return e.Nft + " -f"
	}
	return "nft -f; nft NOT FOUND: start refuses"
}

// replaceRuleset makes def's ruleset file the whole ruleset of ns in one
// transaction (or flushes it, when def has none), and keeps the record.
// The undo loads back what ns held before and restores the record.
func (e *Env) replaceRuleset(ctx context.Context, ns *netns.NS, def *config.Namespace) (netns.Undo, error) {
	prevRec, had, err := e.readRecord(def.Name)
	if err != nil {
		return netns.NoUndo, err
	}
	prev, err := e.listRuleset(ctx, ns)
	if err != nil {
		return netns.NoUndo, err
	}
	undo := func() error {
		if _, err := e.runNftIn(context.Background(), ns, "flush ruleset\n"+prev, "-f", "-"); err != nil {
			return fmt.Errorf("loading back the previous ruleset of namespace %s: %w", def.Name, err)
		}
		return e.restoreRecord(def.Name, prevRec, had)
	}
	if def.Nftables == "" {
		return e.flushRuleset(ctx, ns, def.Name, undo)
	}
	return e.loadRuleset(ctx, ns, def, undo)
}

// loadRuleset loads def's ruleset file into ns and records it; undo puts
// back what was there before. A load nft refused changed nothing (nft -f
// is one transaction), so it has nothing to undo; one interrupted by a
// signal may have been committed, so it is undone.
//
// Equivalent to: printf 'flush ruleset\ninclude "FILE"\n' | ip netns exec NAME nft -f -
func (e *Env) loadRuleset(ctx context.Context, ns *netns.NS, def *config.Namespace, undo netns.Undo) (netns.Undo, error) {
	sum, err := fileDigest(def.Nftables)
	if err != nil {
		return netns.NoUndo, err
	}
	if _, err := e.runNftIn(ctx, ns, loadInput(def.Nftables), "-f", "-"); err != nil {
		return undoIfInterrupted(ctx, undo), fmt.Errorf("namespace %s: loading the ruleset %s: %w", def.Name, def.Nftables, err)
	}
	live, err := e.listRuleset(ctx, ns)
	if err == nil {
		err = e.writeRecord(def.Name, rulesetRecord{File: def.Nftables, FileSum: sum, Loaded: digest([]byte(live))})
	}
	if err != nil {
		return undo, fmt.Errorf("namespace %s: after loading the ruleset %s: %w", def.Name, def.Nftables, err)
	}
	e.infof("loaded the ruleset %s into %s", def.Nftables, def.Name)
	return undo, nil
}

// undoIfInterrupted is undo when ctx has ended (an nft that got the
// signal may have committed its transaction first), else NoUndo.
func undoIfInterrupted(ctx context.Context, undo netns.Undo) netns.Undo {
	if ctx.Err() != nil {
		return undo
	}
	return netns.NoUndo
}

// flushRuleset empties the ruleset of ns (x), which vserverx loaded from a
// file no longer defined, and forgets its record.
//
// Equivalent to: ip netns exec NAME nft flush ruleset
func (e *Env) flushRuleset(ctx context.Context, ns *netns.NS, x string, undo netns.Undo) (netns.Undo, error) {
	if _, err := e.runNftIn(ctx, ns, "flush ruleset\n", "-f", "-"); err != nil {
		return undoIfInterrupted(ctx, undo), fmt.Errorf("namespace %s: flushing the ruleset: %w", x, err)
	}
	if err := e.forgetRecord(x); err != nil {
		return undo, err
	}
	e.infof("flushed the ruleset of %s", x)
	return undo, nil
}

// rulesetApplySteps is the change apply makes to the ruleset of ns: none
// when it matches def, else one step that replaces it (or flushes it, when
// def has no ruleset any more). It changes nothing.
func (e *Env) rulesetApplySteps(ns *netns.NS, def *config.Namespace) ([]applyStep, error) {
	st, err := e.observeRuleset(context.Background(), ns, def)
	if err != nil {
		return nil, err
	}
	if st.Matches {
		return nil, nil
	}
	title := fmt.Sprintf("replace the whole ruleset of %s with %s in one transaction", def.Name, def.Nftables)
	if def.Nftables == "" {
		title = fmt.Sprintf("flush the ruleset of %s (loaded from %s, no longer defined)", def.Name, st.Loaded)
	}
	return []applyStep{{insideStep: insideStep{
		Step: Step{Title: title, Details: []string{st.Why, "as if the file began with `flush ruleset`; a failing file changes nothing"}},
		do: func(ctx context.Context, ns *netns.NS) (netns.Undo, error) {
			return e.replaceRuleset(ctx, ns, def)
		},
	}}}, nil
}

// runsAsRoot reports whether this process runs as root (a variable for
// tests).
var runsAsRoot = func() bool { return os.Geteuid() == 0 }

// RulesetProblems checks the ruleset of namespace def without touching
// the host: nft must be there, and `nft -c -f` in a throwaway network
// namespace (never def's, never the host's) must accept the file. A
// namespace without a ruleset that forwards between two or more
// interfaces gets a warning.
func (e *Env) RulesetProblems(ctx context.Context, def *config.Namespace) config.Problems {
	if def.Nftables == "" {
		if p, ok := config.UnfilteredForwarding(def); ok {
			return config.Problems{p}
		}
		return nil
	}
	if err := e.needNft(def); err != nil {
		return config.Problems{{File: def.Nftables, Msg: fmt.Sprintf("cannot be loaded: %v", e.NftErr)}}
	}
	_, err := e.runNftThrowaway(ctx, loadInput(def.Nftables), "-c", "-f", "-")
	switch {
	case errors.Is(err, errNoThrowaway) && !runsAsRoot():
		return config.Problems{{File: def.Nftables, Severity: config.SeverityWarning,
			Msg: fmt.Sprintf("not checked: %v (this host allows no user namespaces; run check as root)", err)}}
	case err != nil:
		return config.Problems{{File: def.Nftables, Msg: fmt.Sprintf("nft -c -f refuses the ruleset: %v", err)}}
	}
	return nil
}

// printRuleset writes whether the namespace holds its defined ruleset.
func (s *Status) printRuleset(w io.Writer) {
	switch rs := s.Ruleset; {
	case rs == nil:
	case rs.Matches:
		fmt.Fprintf(w, "  nftables ruleset: %s, loaded and unchanged\n", rs.File)
	default:
		fmt.Fprintf(w, "  nftables ruleset: DIFFERS: %s\n", rs.Why)
	}
}
