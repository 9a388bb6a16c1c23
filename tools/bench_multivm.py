# SPDX-License-Identifier: MIT
"""make bench, several VMs part (tools/bench.py imports it): the boot of configs/multi-vm.dts,
two Linux VMs of 4 vCPUs each time-sliced on one pCPU, to both shells, next to one such VM
alone (configs/linux.dts, 4 vCPUs on one pCPU, no disk). Two VMs sharing a pCPU should take at
most twice as long as one. Wall time from QEMU start, median of `reps` runs, the two kinds of
run interleaved so that a busy machine slows both alike. Then once under -icount
shift=0,sleep=off (deterministic: the counter counts executed instructions) the kernels' own
timestamps at `Run /init`: wall time under QEMU also pays for translating each VM's copy of the
kernel (QEMU caches translations by physical address), the instruction count does not."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_boot  # noqa: E402
import hvconfig  # noqa: E402

MULTI = "configs/multi-vm.dts"
SINGLE = "configs/linux.dts"
SHELL_A = b"[linux-a] guest: init done"
SHELL_B = b"[linux-b] guest: init done"
SHELL_ONE = b"guest: init done"
DISK_MIB = 64


def command(args, config):
    """QEMU running `config`; multi-vm's disks are made blank if missing, as
    `make run-multi-vm` does."""
    defines = ["NO_DISK=1"] if config == SINGLE else []
    cmd = hvconfig.qemu_command(config, defines, out_dir="build/bench", image=args.image,
                                qemu=args.qemu, blank_mib=DISK_MIB)
    return cmd


def multivm_boot(args, reps):
    if not bench_boot.have_linux():
        print("(no Linux guest: `make linux initramfs` to measure the multi-vm boot)")
        return
    try:
        multi, single = command(args, MULTI), command(args, SINGLE)
    except hvconfig.ConfigError as e:
        print("(multi-vm boot not measured: %s)" % e)
        return
    both, one = [], []
    for _ in range(reps):
        times, _ = bench_boot.watch(multi, {"a": SHELL_A, "b": SHELL_B}, ("a", "b"),
                                    args.timeout)
        both.append(max(times["a"], times["b"]) if "a" in times and "b" in times else None)
        one.append(bench_boot.watch(single, {"shell": SHELL_ONE}, "shell",
                                    args.timeout)[0].get("shell"))
    b, o = bench_boot.med(both), bench_boot.med(one)
    stamps = {}
    for name, cmd in (("multi", multi), ("single", single)):
        cmd = cmd[:1] + bench_boot.ICOUNT + cmd[1:]
        markers = {"a": SHELL_A, "b": SHELL_B} if name == "multi" else {"a": SHELL_ONE}
        _, text = bench_boot.watch(cmd, markers, tuple(markers), args.timeout)
        found = [float(m.group(1)) for m in bench_boot.RUN_INIT.finditer(text)]
        stamps[name] = max(found) if len(found) == len(markers) else float("nan")
    print("Several VMs: configs/multi-vm.dts, two Linux VMs of 4 vCPUs on one pCPU (%d runs, "
          "median wall time from QEMU start)" % reps)
    print("  both shells %.2f s   one such VM alone %.2f s   ratio %.2fx (two VMs on one pCPU: "
          "at most 2x)" % (b, o, b / o))
    print("  -icount shift=0,sleep=off: the later kernel at Run /init %.3f s, one VM alone %.3f s, "
          "ratio %.2fx" % (stamps["multi"], stamps["single"], stamps["multi"] / stamps["single"]))
