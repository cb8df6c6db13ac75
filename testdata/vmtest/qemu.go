// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// kernelCmdline: console on the first serial port, only warnings and worse
// from the kernel (so its messages rarely mix with test output), and any
// panic or oops ends the VM at once (with -no-reboot, qemu exits).
const kernelCmdline = "console=ttyS0 quiet loglevel=4 panic=-1 oops=panic"

// qemuArgs returns qemu's command line: no default devices, no display,
// the serial console on stdio, no network, no reboot.
//
// Equivalent to: qemu-system-x86_64 -accel tcg -m 512M -smp 1 -nodefaults
// -no-user-config -display none -serial stdio -nic none -no-reboot
// -kernel vmlinuz -initrd initramfs.cpio -append "console=ttyS0 ..."
func qemuArgs(accel, memory, kernel, initrd string) []string {
	args := []string{"-accel", accel}
	if accel == "kvm" {
		args = append(args, "-cpu", "host")
	}
	return append(args,
		"-m", memory, "-smp", "1",
		"-nodefaults", "-no-user-config", "-display", "none",
		"-serial", "stdio", "-nic", "none", "-no-reboot",
		"-kernel", kernel, "-initrd", initrd, "-append", kernelCmdline)
}

// boot runs qemu until the VM powers off or the timeout passes, and
// returns the console. On a timeout the error wraps ErrTimeout.
func (s *Spec) boot(ctx context.Context, initrd string) (*Result, error) {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	res := &Result{Accel: Accel()}
	var console, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, s.Assets.Qemu, qemuArgs(res.Accel, s.Memory, s.Assets.Kernel, initrd)...)
	cmd.Stdout = &console
	if s.Console != nil {
		cmd.Stdout = io.MultiWriter(&console, s.Console)
	}
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	res.Elapsed = time.Since(start)
	res.Console = strings.ReplaceAll(console.String(), "\r", "")
	switch {
	case ctx.Err() != nil:
		return res, fmt.Errorf("%w after %v (%s)\n%s", ErrTimeout, s.Timeout, ctx.Err(), consoleTail(res.Console))
	case err != nil:
		return res, fmt.Errorf("test VM: %s: %w: %s\n%s", s.Assets.Qemu, err, strings.TrimSpace(stderr.String()), consoleTail(res.Console))
	}
	return res, nil
}
