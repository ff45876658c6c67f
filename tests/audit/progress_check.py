#!/usr/bin/env python3
"""progress_check.py - candor audit's progress line, seen on a terminal.

Usage: progress_check.py COLS STDOUT_FILE EXPECT -- COMMAND...
Runs COMMAND with stderr on a pseudo-terminal COLS columns wide (stdout to
STDOUT_FILE, TERM=xterm, CANDOR_PROGRESS_DELAY=0 so that a short audit
draws too) and checks what the terminal got: only lines that start with
"\\r\\033[K" (back to the line's start, erase it), each of printable ASCII
only (names from the input escaped), at most COLS - 1 wide, of the form
"audit: product N/M, N files, SIZE unpacked: PATH", no more of them than
one per 0.2 s of the run (and one more), at least one, one holding EXPECT
(unless EXPECT is empty), and the erase as the last thing written. Prints
one line per problem; exits 1 if there is any.
"""
import os
import pty
import re
import struct
import subprocess
import sys
import time

ERASE = b"\r\x1b[K"
LINE = re.compile(rb"audit: product \d+/\d+, \d+ files, [0-9.]+ (B|KiB|MiB|GiB|TiB|PiB) unpacked: ")


def run(cols, stdout_path, cmd):
    import fcntl
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
    env = dict(os.environ, TERM="xterm", CANDOR_PROGRESS_DELAY="0")
    start = time.monotonic()
    with open(stdout_path, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=slave, env=env)
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        data += chunk
    proc.wait()
    os.close(master)
    return data, time.monotonic() - start, proc.returncode


def main():
    cols, stdout_path, expect = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    cmd = sys.argv[5:]
    data, seconds, rc = run(cols, stdout_path, cmd)
    problems = []
    if rc != 0:
        problems.append("exit %d" % rc)
    if not data.startswith(ERASE):
        problems.append("the terminal got %r before any progress line" % data[:60])
    if not data.endswith(ERASE):
        problems.append("the last line is not erased: ends with %r" % data[-60:])
    lines = [l for l in data.split(ERASE) if l]
    for l in lines:
        if any(c < 0x20 or c > 0x7e for c in l):
            problems.append("a byte that is not printable ASCII: %r" % l)
        if len(l) > cols - 1:
            problems.append("%d columns on a terminal of %d: %r" % (len(l), cols, l))
        # A narrow terminal shows the start of the line only.
        cut = len(l) == cols - 1 and l.startswith(b"audit: product ")
        if not LINE.match(l) and not cut:
            problems.append("not a progress line: %r" % l)
    if not lines:
        problems.append("no progress line in %.2f s" % seconds)
    if len(lines) > seconds / 0.2 + 1:
        problems.append("%d lines in %.2f s: more than one per 0.2 s" % (len(lines), seconds))
    if expect and not any(expect.encode() in l for l in lines):
        problems.append("no line holds %r: %r" % (expect, lines[:3]))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
