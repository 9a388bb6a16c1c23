# SPDX-License-Identifier: MIT
"""Type a script into a guest's shell and collect what it prints: the way the Linux rows of
`make bench` (bench.py, bench_sched.py) have the guest time its own work."""
import os
import select
import subprocess
import time


def run_script(cmd, ready, script, timeout, done=b"\nbench-done", watch=None):
    """Start `cmd`, type `script` once `ready` (bytes) appears on the console, and return the
    console output once `done` appears after it; None on a timeout or an early exit.
    `watch(pid, seen)`, if given, is called with QEMU's pid and the output so far after each
    piece of output (bench_sched.py samples QEMU's CPU time at the guest's marks)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seen, typed, start = b"", False, time.monotonic()
    try:
        while time.monotonic() - start < timeout:
            ready_fds, _, _ = select.select([proc.stdout], [], [], 0.1)
            if not ready_fds:
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            seen += chunk
            if watch:
                watch(proc.pid, seen)
            if not typed and ready in seen:
                os.write(proc.stdin.fileno(), script.encode())
                typed = True
            if typed and done in seen:
                return seen
        return None
    finally:
        proc.kill()
        proc.wait()
