// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"bufio"
	"fmt"
	"io"
)

// cpio mode bits of the entry types an initramfs needs.
const (
	modeDir     = 0o040000
	modeFile    = 0o100000
	modeSymlink = 0o120000
	modeCharDev = 0o020000
)

// cpioWriter writes a cpio archive in the "newc" format, the one the
// kernel unpacks as an initramfs (Documentation/driver-api/early-userspace/
// buffer-format.rst). Equivalent to: find . | cpio -o -H newc.
type cpioWriter struct {
	w   *bufio.Writer
	ino uint32
	n   int64 // bytes written, for the 4-byte alignment
	err error
}

func newCPIOWriter(w io.Writer) *cpioWriter {
	return &cpioWriter{w: bufio.NewWriter(w), ino: 1}
}

// cpioHeader is one entry's metadata.
type cpioHeader struct {
	name  string // path without a leading slash
	mode  uint32 // type and permission bits
	major uint32 // device number of a device node
	minor uint32
}

// entry writes one header, the name and the data, each padded to 4 bytes.
func (c *cpioWriter) entry(h cpioHeader, data []byte) {
	nlink := 1
	if h.mode&0o170000 == modeDir {
		nlink = 2
	}
	c.printf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		c.ino, h.mode, 0, 0, nlink, 0, len(data), 0, 0, h.major, h.minor, len(h.name)+1, 0)
	c.ino++
	c.write([]byte(h.name + "\x00"))
	c.pad()
	c.write(data)
	c.pad()
}

func (c *cpioWriter) printf(format string, args ...any) {
	c.write(fmt.Appendf(nil, format, args...))
}

func (c *cpioWriter) write(b []byte) {
	if c.err != nil {
		return
	}
	n, err := c.w.Write(b)
	c.n += int64(n)
	c.err = err
}

func (c *cpioWriter) pad() {
	if r := c.n % 4; r != 0 {
		c.write(make([]byte, 4-r))
	}
}

// Close writes the trailer entry and flushes.
func (c *cpioWriter) Close() error {
	c.entry(cpioHeader{name: "TRAILER!!!"}, nil)
	if c.err != nil {
		return fmt.Errorf("writing cpio archive: %w", c.err)
	}
	if err := c.w.Flush(); err != nil {
		return fmt.Errorf("writing cpio archive: %w", err)
	}
	return nil
}
