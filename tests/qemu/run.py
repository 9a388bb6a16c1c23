#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end runner: boots the hypervisor image on QEMU once per case, watches the console
for the case's expected lines (in order), enforces a timeout, always stops QEMU, and reports
pass/fail per case. On a failure it names the step that failed and shows the last console
lines. A case may type on the console: its optional "input" is a list of (regex, text) pairs
used in order; once a complete console line matches the next pair's regex, its text is
written to QEMU's stdin, which -nographic connects to the serial console; a tuple of regexes
instead waits until each has matched some line since the start, in any order (for lines of
several VMs, whose order is not fixed). An optional "prepare" callable makes the files a
case needs (disk images) and returns an error or None.
A case with "config" (a configs/*.dts path, "config_defines" for its cpp knobs) runs the
machine tools/hvconfig.py makes of it instead of one built from "smp", "mem" and "guest".
An optional "raw_expect" / "raw_forbid" lists byte strings that must / must not occur in the
console output exactly as QEMU gave it (line ends included), checked once the case ran.

    tests/qemu/run.py --image build/hypervisor.bin [--qemu qemu-system-aarch64] [-k NAME]
"""
import argparse
import os
import re
import selectors
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cases import CASES  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import hvconfig  # noqa: E402

MACHINE = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "max", "-nographic",
           "-no-reboot", "-nic", "none", "-semihosting-config", "enable=on,target=native"]
TAIL_LINES = int(os.environ.get("TAIL_LINES", "25"))
# Where QEMU's guest-loader puts a guest image in host RAM (inside even -m 512M, clear of the
# hypervisor at 0x40200000 and of the DTB QEMU places at RAM base + 128 MiB).
GUEST_LOAD_ADDR = 0x50000000


class Console:
    """Collects QEMU's output and splits it into lines as it arrives."""

    def __init__(self, proc):
        self.proc = proc
        self.lines = []
        self.raw = bytearray()
        self.partial = b""
        self.sel = selectors.DefaultSelector()
        self.sel.register(proc.stdout, selectors.EVENT_READ)

    def pump(self, timeout):
        """Read what is available within `timeout` seconds; False once QEMU's output ends."""
        if not self.sel.select(timeout):
            return True
        chunk = os.read(self.proc.stdout.fileno(), 65536)
        if not chunk:
            return False
        self.raw += chunk
        self.partial += chunk
        *done, self.partial = self.partial.split(b"\n")
        self.lines += [d.decode("utf-8", "replace").rstrip("\r") for d in done]
        return True

    def tail(self):
        rest = self.partial.decode("utf-8", "replace")
        return (self.lines + ([rest] if rest else []))[-TAIL_LINES:]


def edited_host_dtb(args, board, edits, workdir):
    """QEMU's own DTB for `board`, decompiled, edited with (regex, replacement) pairs and
    compiled again: a host DTB that is wrong in one chosen way."""
    dumped, dts, out = (os.path.join(workdir, n) for n in ("virt.dtb", "host.dts", "host.dtb"))
    subprocess.run([args.qemu] + MACHINE + board + ["-machine", "dumpdtb=" + dumped],
                   check=True, capture_output=True)
    text = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dumped], check=True,
                          capture_output=True, text=True).stdout
    for pattern, replacement in edits:
        text, n = re.subn(pattern, replacement, text)
        if n == 0:
            raise RuntimeError("DTB edit %r matched nothing" % pattern)
    with open(dts, "w") as f:
        f.write(text)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out, dts], check=True)
    return out


def run_case(case, args):
    with tempfile.TemporaryDirectory(prefix="hv-qemu-") as workdir:
        return run_case_in(case, args, workdir)


def run_case_in(case, args, workdir):
    if "prepare" in case:
        # Files the case needs (disk images): an error here fails the case before QEMU starts.
        problem = case["prepare"]()
        if problem:
            return problem, []
    board = ["-smp", str(case.get("smp", 1)), "-m", case.get("mem", "512M")]
    append = " ".join(["hv.exit=semihosting"] + case.get("bootargs", []))
    cmd = [args.qemu] + MACHINE + board + ["-kernel", args.image, "-append", append]
    if "config" in case:
        # A configuration (docs/config.md) says the whole machine: tools/hvconfig.py's command
        # line, its compiled tree in the case's scratch directory.
        try:
            cmd = hvconfig.qemu_command(case["config"], case.get("config_defines", []),
                                        out_dir=workdir, image=args.image, qemu=args.qemu,
                                        append=append, blank_mib=case.get("blank_disks", 0))
        except hvconfig.ConfigError as e:
            return "tools/hvconfig.py: %s" % e, []
    if "guest" in case:
        # The guest image becomes a multiboot,kernel module node under /chosen.
        cmd += ["-device", "guest-loader,addr=0x%x,kernel=%s,bootargs=%s" % (
            GUEST_LOAD_ADDR, case["guest"], case.get("guest_bootargs", ""))]
    if "dtb_edit" in case:
        cmd += ["-dtb", edited_host_dtb(args, board, case["dtb_edit"], workdir)]
    cmd += case.get("qemu_args", [])
    expect = [re.compile(e) for e in case["expect"]]
    forbid = [re.compile(f) for f in case.get("forbid", [])]
    inputs = [(InputTrigger(pattern), text) for pattern, text in case.get("input", [])]
    deadline = time.monotonic() + case.get("timeout", 30)
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if inputs else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    con = Console(proc)
    step, seen, typed, error = 0, 0, 0, None
    try:
        while error is None:
            now = time.monotonic()
            if now >= deadline:
                error = "timed out waiting for %r" % (
                    expect[step].pattern if step < len(expect) else "QEMU to exit")
                break
            alive = con.pump(min(0.2, deadline - now))
            for line in con.lines[seen:]:
                if any(f.search(line) for f in forbid):
                    error = "forbidden line: %r" % line
                    break
                if step < len(expect) and expect[step].search(line):
                    step += 1
                for trigger, _ in inputs[typed:]:
                    trigger.see(line)
                if typed < len(inputs) and inputs[typed][0].fires(line):
                    type_text(proc, inputs[typed][1])
                    typed += 1
            seen = len(con.lines)
            if error:
                break
            if step == len(expect) and case.get("exit") is None:
                break  # the case ends at its last line: QEMU is stopped below
            if not alive:
                proc.wait()
                if step < len(expect):
                    error = "QEMU exited (status %d) before %r" % (proc.returncode,
                                                                  expect[step].pattern)
                elif proc.returncode != case["exit"]:
                    error = "QEMU exit status %d, expected %d" % (proc.returncode, case["exit"])
                break
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        if proc.stdin:
            proc.stdin.close()
    if args.log_dir:
        os.makedirs(args.log_dir, exist_ok=True)
        with open(os.path.join(args.log_dir, case["name"] + ".log"), "wb") as f:
            f.write(bytes(con.raw))
    if error is None:
        error = raw_check(case, bytes(con.raw))
    return error, con.tail()


class InputTrigger:
    """When an input's text is typed. A regex waits for a line, after the previous input,
    that matches; a tuple of regexes for each to have matched some line since the start."""

    def __init__(self, pattern):
        self.since_start = isinstance(pattern, tuple)
        self.waiting = [re.compile(p) for p in (pattern if self.since_start else (pattern,))]

    def see(self, line):
        """Every console line, in order, before the input is typed."""
        if self.since_start:
            self.waiting = [r for r in self.waiting if not r.search(line)]

    def fires(self, line):
        """Whether the text is typed now: `line` is the newest, the previous input typed."""
        if self.since_start:
            return not self.waiting
        return self.waiting[0].search(line) is not None


def raw_check(case, raw):
    """The case's byte-exact checks of the console output and its "verify" (a function of the
    whole output returning what is wrong, or None), or None when they hold."""
    if "verify" in case:
        problem = case["verify"](raw.decode(errors="replace"))
        if problem:
            return problem
    for want in case.get("raw_expect", []):
        if want not in raw:
            return "raw console output lacks %r" % want
    for bad in case.get("raw_forbid", []):
        if bad in raw:
            at = raw.index(bad)
            return "raw console output has %r: %r" % (bad, raw[max(0, at - 40):at + len(bad)])
    return None


# Text goes to the console in one piece, as a paste would: the hypervisor must hold back what
# the guest's 32-byte receive FIFO cannot take yet.
TYPE_CHUNK = 4096
TYPE_PAUSE = 0.0


def type_text(proc, text):
    """Write `text` to QEMU's stdin (the serial console). A QEMU that has already gone is
    reported by the case's own checks, not here."""
    data = text.encode()
    try:
        for i in range(0, len(data), TYPE_CHUNK):
            os.write(proc.stdin.fileno(), data[i:i + TYPE_CHUNK])  # unbuffered
            time.sleep(TYPE_PAUSE)
    except BrokenPipeError:
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--image", required=True)
    ap.add_argument("-k", dest="pattern", default="", help="only cases whose name contains this")
    ap.add_argument("-x", dest="exclude", default=None,
                    help="leave out cases whose name contains this")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--log-dir", default=None,
                    help="keep each case's whole console output in DIR/NAME.log")
    args = ap.parse_args()

    cases = [c for c in CASES if args.pattern in c["name"] and
             not (args.exclude and args.exclude in c["name"])]
    if args.list:
        for c in cases:
            print(c["name"])
        return 0
    failed = []
    for case in cases:
        start = time.monotonic()
        error, tail = run_case(case, args)
        took = time.monotonic() - start
        if error is None:
            print("PASS %-28s %5.1fs" % (case["name"], took))
        else:
            failed.append(case["name"])
            print("FAIL %-28s %5.1fs  %s" % (case["name"], took, error))
            print("     last console lines:")
            for line in tail:
                print("     | " + line)
    print("qemu tests: %d passed, %d failed%s" % (len(cases) - len(failed), len(failed),
                                                  ": " + " ".join(failed) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
