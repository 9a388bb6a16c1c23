# SPDX-License-Identifier: MIT
"""The CPU-share rows of `make bench` (issue #14 item 9; docs/scheduling.md, "Several VMs on
one pCPU"): a CPU-bound bare-metal guest (tests/qemu/guests/spin.c) alone, as 2 VMs and as 4 VMs
sharing one pCPU, then a VM of 4 vCPUs beside one of 1 vCPU and two VMs of weights 2:1. Each
scenario is a configuration (written to build/bench/, turned into a QEMU command line by
tools/hvconfig.py) run once under `-icount shift=0`, where each guest counts the fixed-size
chunks of work it finished inside the same 2 s of virtual time: a VM's share is its count over
the count of the guest alone, against the ideal weight / sum of weights (target: within 5% of
it). Deterministic: the same image gives the same counts run to run."""
import os
import re
import subprocess

GUEST = "build/guests/spin.bin"
SPIN = re.compile(r"^(?:\[(\S+)\] )?bench: spin (\d+) (\d+) (\d+) (\d+)", re.M)
TARGET = 0.05  # each VM within 5% of its ideal share
# name: [(vcpus, weight), ...] per VM, all on pCPU 0.
SCENARIOS = [
    ("alone", [(1, 256)]),
    ("2 VMs", [(1, 256), (1, 256)]),
    ("4 VMs", [(1, 256)] * 4),
    ("4 vCPUs + 1 vCPU", [(4, 256), (1, 256)]),
    ("weights 2:1", [(1, 512), (1, 256)]),
]


def config_text(vms):
    nodes = []
    for i, (vcpus, weight) in enumerate(vms):
        nodes.append("\t\tspin%d {\n\t\t\tvcpus = <%d>;\n\t\t\taffinity = <%s>;\n"
                     "\t\t\tmemory-mib = <16>;\n\t\t\tkernel = \"%s\";\n"
                     "\t\t\tweight = <%d>;\n\t\t};\n"
                     % (i, vcpus, " ".join(["0"] * vcpus), GUEST, weight))
    return ("/dts-v1/;\n/* tools/bench_share.py: %d CPU-bound VMs on one pCPU */\n/ {\n"
            "\tcompatible = \"hv,config\";\n\tpcpus = <1>;\n\tvms {\n%s\t};\n};\n"
            % (len(vms), "".join(nodes)))


def run_scenario(qemu, image, vms, out_dir, timeout):
    """{vm name: chunks} as the guests printed them, or None."""
    import hvconfig  # tools/hvconfig.py: imported late, so the other rows run without it

    path = os.path.join(out_dir, "share-%d.dts" % len(os.listdir(out_dir)))
    with open(path, "w") as f:
        f.write(config_text(vms))
    cmd = hvconfig.qemu_command(path, out_dir=out_dir, image=image, qemu=qemu,
                                extra=["-icount", "shift=0"])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout).stdout
    found = {(m.group(1) or "spin0"): int(m.group(3)) for m in SPIN.finditer(out)}
    if len(found) != len(vms):
        print("  (%d of %d VMs reported; console ended with:)\n%s"
              % (len(found), len(vms), "\n".join(out.splitlines()[-8:])))
        return None
    return found


def cpu_share(qemu, image, timeout):
    print("CPU share of VMs on one pCPU: a CPU-bound guest, chunks done in 2 s of virtual time "
          "under -icount shift=0 (docs/scheduling.md)")
    if not os.path.exists(GUEST):
        print("  (no %s: `make guests`)" % GUEST)
        return
    try:
        import hvconfig  # noqa: F401
    except ImportError:
        print("  (no tools/hvconfig.py: several VMs need a configuration)")
        return
    out_dir = os.path.join(os.path.dirname(image) or ".", "bench")
    os.makedirs(out_dir, exist_ok=True)
    alone = None
    worst, shared = 0.0, 0
    print("    %-18s %-6s %5s %6s %9s %7s %7s %7s" % ("", "VM", "vCPUs", "weight", "chunks",
                                                       "share", "ideal", "off"))
    for name, vms in SCENARIOS:
        found = run_scenario(qemu, image, vms, out_dir, timeout)
        if not found:
            print("    %-18s no result" % name)
            if alone is None:
                return  # no reference to measure shares against
            continue
        if alone is None:
            alone = found["spin0"]
        shared += len(vms) > 1
        total_weight = sum(w for _, w in vms)
        for i, (vcpus, weight) in enumerate(vms):
            chunks = found["spin%d" % i]
            share = chunks / alone
            ideal = weight / total_weight
            off = share / ideal - 1
            worst = max(worst, abs(off))
            print("    %-18s %-6s %5d %6d %9d %6.1f%% %6.1f%% %+6.1f%%"
                  % (name if i == 0 else "", "spin%d" % i, vcpus, weight, chunks,
                     share * 100, ideal * 100, off * 100))
    if shared:
        print("  worst VM off its ideal share: %.1f%% (target <= %.0f%%)"
              % (worst * 100, TARGET * 100))
