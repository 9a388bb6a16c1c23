# SPDX-License-Identifier: MIT
"""The FF-A direct-message rows of `make bench` (issue #15 item 6; docs/ffa.md): two VMs run
tests/qemu/guests/ffa_msg.c, endpoint 1 sending endpoint 2 direct requests that it answers at
once, on one pCPU (tests/qemu/configs/ffa-msg-one.dts) and on a pCPU each (ffa-msg-two.dts).
The asker times 200 round trips (FFA_MSG_SEND_DIRECT_REQ_32 to the answer) with CNTVCT_EL0
under `-icount shift=0`, where one instruction is one nanosecond: instructions per round trip,
the guests' own few included (the timed calls pass x0-x7 straight in registers),
deterministic on one pCPU (two pCPUs interleave as QEMU's round-robin TCG schedules them).
Target: under 1500.

The memory-sharing row: tests/qemu/guests/ffa_mem.c (tests/qemu/configs/ffa-mem.dts, and the
same on one pCPU) times 20 rounds of FFA_MEM_SHARE of one page, the borrower's
FFA_MEM_RETRIEVE_REQ + FFA_RX_RELEASE + FFA_MEM_RELINQUISH (timed by the borrower: the direct
request that asks for them is not counted) and FFA_MEM_RECLAIM: instructions per call."""
import os
import re
import subprocess
import threading

GUEST = "build/guests/ffa_msg.bin"
CONFIGS = [("one pCPU", "tests/qemu/configs/ffa-msg-one.dts"),
           ("two pCPUs", "tests/qemu/configs/ffa-msg-two.dts")]
ROUNDTRIP = re.compile(r"bench: ffa-roundtrip (\d+) (\d+) (\d+) \((\d+) BUSY\)")
MEM_GUEST = "build/guests/ffa_mem.bin"
MEM_CONFIG = "tests/qemu/configs/ffa-mem.dts"
MEM = re.compile(r"bench: ffa-mem (\d+) (\d+) (\d+) (\d+) (\d+)")
TARGET = 1500


def roundtrip(qemu, image, config, timeout, pattern=ROUNDTRIP):
    """(round trips, ticks, freq, busy) as the asker printed them (the groups of `pattern`),
    or None."""
    import hvconfig  # tools/hvconfig.py: imported late, so the other rows run without it

    out_dir = os.path.join(os.path.dirname(image) or ".", "bench")
    os.makedirs(out_dir, exist_ok=True)
    cmd = hvconfig.qemu_command(config, out_dir=out_dir, image=image, qemu=qemu,
                                extra=["-icount", "shift=0"])
    # Only the figure is wanted: QEMU is stopped once it is printed. (Under -icount QEMU runs
    # its CPUs one at a time, and the rest of the run, a vCPU polling with FFA_YIELD while the
    # other pCPU sleeps, can take QEMU a long while.)
    lines = []
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        for line in proc.stdout:
            lines.append(line.rstrip())
            m = pattern.search(line)
            if m:
                return tuple(int(g) for g in m.groups())
    finally:
        timer.cancel()
        proc.kill()
        proc.wait()
    print("  (no result; console ended with:)\n%s" % "\n".join(lines[-8:]))
    return None


def direct_messages(qemu, image, timeout):
    print("FF-A direct request round trip between two VMs, instructions under -icount shift=0 "
          "(docs/ffa.md)")
    if not os.path.exists(GUEST):
        print("  (no %s: `make guests`)" % GUEST)
        return
    print("    %-12s %12s %10s %8s" % ("", "insns/trip", "target", "BUSY"))
    for name, config in CONFIGS:
        r = roundtrip(qemu, image, config, timeout)
        if not r:
            print("    %-12s no result" % name)
            continue
        trips, ticks, freq, busy = r
        print("    %-12s %12.0f %10s %8d" % (name, ticks * 1e9 / freq / trips, "< %d" % TARGET,
                                            busy))


def one_pcpu_config(out_dir):
    """configs/ffa-mem.dts with both VMs on one pCPU: deterministic under -icount."""
    with open(MEM_CONFIG) as f:
        text = f.read()
    text = text.replace("pcpus = <2>;", "pcpus = <1>;").replace("affinity = <1>;", "")
    path = os.path.join(out_dir, "ffa-mem-one.dts")
    with open(path, "w") as f:
        f.write(text)
    return path


def memory_sharing(qemu, image, timeout):
    print("FF-A memory sharing of one page between two VMs, instructions per call under "
          "-icount shift=0 (docs/ffa.md)")
    if not os.path.exists(MEM_GUEST):
        print("  (no %s: `make guests`)" % MEM_GUEST)
        return
    out_dir = os.path.join(os.path.dirname(image) or ".", "bench")
    os.makedirs(out_dir, exist_ok=True)
    print("    %-12s %8s %22s %8s %8s" % ("", "share", "retrieve+relinquish", "reclaim",
                                          "total"))
    for name, config in [("one pCPU", one_pcpu_config(out_dir)), ("two pCPUs", MEM_CONFIG)]:
        r = roundtrip(qemu, image, config, timeout, MEM)
        if not r:
            print("    %-12s no result" % name)
            continue
        rounds, share, borrow, reclaim, freq = r
        per = [t * 1e9 / freq / rounds for t in (share, borrow, reclaim)]
        print("    %-12s %8.0f %22.0f %8.0f %8.0f" % (name, per[0], per[1], per[2], sum(per)))
