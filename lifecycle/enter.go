package lifecycle

import (
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/vserverx/vserverx/netns"
	"github.com/vserverx/vserverx/wrapper"
)

// Enter runs argv (or $SHELL, else /bin/sh) inside the guest's namespace as
// `ip netns exec` does, with VSERVERX_NETNS set, and returns its exit code.
func (e *Env) Enter(name string, argv []string) (int, error) {
	m, err := e.managed(name)
	if err != nil {
		return 1, err
	}
	ns, err := e.openExisting(m)
	if err != nil {
		return 1, err
	}
	defer ns.Close()
	argv = stripDashDash(argv)
	if len(argv) == 0 {
		argv = []string{shell()}
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return 127, fmt.Errorf("enter %s: %w", m.NS(), err)
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, e.Out, e.Err
	cmd.Env = append(os.Environ(), wrapper.EnvNetns+"="+m.NS())
	if err := netns.StartIn(ns, cmd, netns.ExecOptions{RSlave: true, FreshSys: true, EtcNetns: true}); err != nil {
		return 1, fmt.Errorf("entering namespace %s: %w", m.NS(), err)
	}
	return wrapper.Wait(cmd)
}

func stripDashDash(args []string) []string {
	if len(args) > 0 && args[0] == "--" {
		return args[1:]
	}
	return args
}

func shell() string {
	if s := os.Getenv("SHELL"); s != "" {
		return s
	}
	return "/bin/sh"
}

// openExisting opens the guest's namespace, with an error that says how to
// create it when it does not exist.
func (e *Env) openExisting(m Managed) (*netns.NS, error) {
	ns, err := netns.Open(e.Paths.NetnsDir, m.NS())
	if errors.Is(err, netns.ErrNotExist) {
		return nil, fmt.Errorf("network namespace %s (%s) is not set up: start guest %s first (vserverx %s start)",
			m.NS(), e.netnsPath(m.NS()), m.Guest.Name, m.Guest.Name)
	}
	return ns, err
}

// UpAndExec sets the guest's namespace up (see Up) and replaces this
// process by argv running inside it. It is the prefix a plain
// `vserver NAME start` runs through the prepre-start scriptlet. argv[0] is
// looked up before anything changes; when the exec itself fails, the
// namespace is torn down again unless something uses it. Since this
// process is gone after a successful exec, a failure of the rest of
// util-vserver's chain is cleaned up by the postpost-stop scriptlet or the
// next stop.
func (e *Env) UpAndExec(name string, argv []string) error {
	m, err := e.managed(name)
	if err != nil {
		return err
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return fmt.Errorf("netns-exec in %s: %w", m.NS(), err)
	}
	ns, err := e.Up(m)
	if err != nil {
		return err
	}
	env := append(os.Environ(), wrapper.EnvNetns+"="+m.NS())
	err = netns.Replace(ns, path, argv, env)
	ns.Close()
	err = fmt.Errorf("exec %s in namespace %s: %w", path, m.NS(), err)
	if terr := e.TeardownIfUnused(m); terr != nil {
		return errors.Join(err, terr)
	}
	return err
}

// TeardownGuest removes the namespace of a managed guest when unused (the
// postpost-stop scriptlet's job after a plain `vserver NAME stop`).
func (e *Env) TeardownGuest(name string) error {
	m, err := e.resolveForStop(name)
	if err != nil {
		return err
	}
	if m.Group == nil {
		return notManaged(m.Guest)
	}
	return e.TeardownIfUnused(m)
}
