# SPDX-License-Identifier: MIT
"""make bench, start-up and boot part (tools/bench.py imports it).

Every figure is the median of `reps` runs, the hypervisor's and QEMU's own interleaved so
that a busy machine slows both alike:
- the hypervisor's own start with a 512 MiB VM and a bare-metal guest: QEMU start to its
  banner, to the end of its self-checks, to the VM created and to the guest's first line
  (its first instruction, give or take a few microseconds); VM creation as the hypervisor
  measures it (`vm0: created in N us`);
- Linux 6.12 with 1 and 4 vCPUs, wall time from QEMU start to the kernel's `Run /init` and to
  the shell, under the hypervisor and directly on QEMU;
- the same Linux boot under `-icount shift=0,sleep=off` (deterministic: virtual time is the
  count of executed instructions, idle time skipped): the kernel's own timestamp at
  `Run /init`, and the hypervisor's start in instructions (`starts N us after reset`);
- VM creation as the hypervisor measures it (`NAME: created in N us`): one Linux VM of 512 MiB
  (kernel, initramfs and DTB loaded), and four such VMs from one configuration
  (tests/qemu/configs/four-linux.dts): each and all four, in wall time and under -icount.
docs/memory.md explains what start-up costs and why guest RAM is populated on demand.
"""
import os
import re
import select
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hvconfig  # noqa: E402

LINUX_IMAGE = "build/guests/linux/Image"
LINUX_INITRD = "build/guests/linux/initramfs.cpio.gz"
BOOTARGS = "console=ttyAMA0 rdinit=/init"
GUEST_MEM_MIB = 512
HV_MACHINE = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "max", "-nographic",
              "-no-reboot", "-nic", "none", "-semihosting-config", "enable=on,target=native",
              "-smp", "1", "-m", "2G"]
ICOUNT = ["-icount", "shift=0,sleep=off"]

BANNER = b"hv: EL2 hypervisor starting"
SMP = b"smp: "
SELFCHECKS = b"hv: all self-checks passed"
CREATED = re.compile(rb"vm0: created in (\d+) us, starts (\d+) us after reset")
RUN_INIT = re.compile(rb"\[\s*(\d+\.\d+)\] Run /init")
SHELL = b"guest: init done"
# guests/linux/init prints the guest's counter at the shell marker when asked (guest.stamp=1).
STAMP_BOOTARGS = BOOTARGS + " quiet guest.stamp=1"
STAMP = re.compile(rb"cntvct: count=(\d+) freq=(\d+)\r?\n")
BOOT_GUEST_LINE = b"boot: entered at"


def watch(cmd, markers, last, timeout):
    """Run `cmd`; seconds from its start to the first console line holding each marker (bytes
    or a compiled regex), up to the marker `last` (or every marker of a tuple `last`); missing
    markers are absent. Also the text."""
    lasts = last if isinstance(last, tuple) else (last,)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seen, times = b"", {}
    try:
        while time.monotonic() - start < timeout and not all(k in times for k in lasts):
            ready, _, _ = select.select([proc.stdout], [], [], 0.05)
            if not ready:
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            now = time.monotonic() - start
            seen += chunk
            for name, pat in markers.items():
                if name not in times and (pat.search(seen) if hasattr(pat, "search")
                                          else pat in seen):
                    times[name] = now
        return times, seen
    finally:
        proc.kill()
        proc.wait()


def have_linux():
    return os.path.exists(LINUX_IMAGE) and os.path.exists(LINUX_INITRD)


def hv_linux_cmd(args, vcpus, extra=(), pcpus=1, bootargs=BOOTARGS):
    """Linux under the hypervisor; with `pcpus` > 1 on that many QEMU CPUs, vCPU i on pCPU
    i % pcpus."""
    machine = HV_MACHINE[:HV_MACHINE.index("-smp")] + ["-smp", str(pcpus)] + \
        HV_MACHINE[HV_MACHINE.index("-smp") + 2:]
    placement = " hv.pcpus=%d" % pcpus if pcpus > 1 else ""
    return [args.qemu] + machine + list(extra) + [
        "-kernel", args.image, "-append",
        "hv.vcpus=%d hv.guest_mem=%d%s" % (vcpus, GUEST_MEM_MIB, placement),
        "-device", "guest-loader,addr=0x50000000,kernel=%s,bootargs=%s" % (LINUX_IMAGE, bootargs),
        "-device", "guest-loader,addr=0x54000000,initrd=%s" % LINUX_INITRD]


def direct_linux_cmd(args, vcpus, extra=(), bootargs=BOOTARGS):
    return [args.qemu, "-M", "virt,gic-version=3", "-cpu", "max", "-nographic", "-nic", "none",
            "-smp", str(vcpus), "-m", "%dM" % GUEST_MEM_MIB] + list(extra) + [
            "-kernel", LINUX_IMAGE, "-initrd", LINUX_INITRD, "-append", bootargs]


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def hypervisor_start(args, reps):
    """QEMU start to each step of the hypervisor's start and to a bare-metal guest's first
    line, with a 512 MiB VM; and VM creation as the hypervisor measures it."""
    cmd = [args.qemu] + HV_MACHINE + ["-kernel", args.image, "-append",
                                      "hv.exit=semihosting hv.guest_mem=%d" % GUEST_MEM_MIB,
                                      "-device", "guest-loader,addr=0x50000000,kernel=%s"
                                      % args.boot_guest]
    markers = {"banner": BANNER, "smp": SMP, "selfchecks": SELFCHECKS, "created": CREATED,
               "guest": BOOT_GUEST_LINE}
    runs, create_us, icount_start_us = [], [], []
    for _ in range(reps):
        times, text = watch(cmd, markers, "guest", args.timeout)
        runs.append(times)
        m = CREATED.search(text)
        create_us.append(int(m.group(1)) if m else None)
    times, text = watch(cmd[:1] + ICOUNT + cmd[1:], markers, "guest", args.timeout)
    m = CREATED.search(text)
    icount_start_us = int(m.group(2)) if m else float("nan")
    ms = {k: med([r.get(k) for r in runs]) * 1000 for k in markers}
    print("Hypervisor start, %d MiB VM, bare-metal guest (%d runs, median wall time from QEMU "
          "start):" % (GUEST_MEM_MIB, reps))
    print("  banner %.0f ms, all CPUs up %.0f ms, self-checks done %.0f ms (they take %.0f ms), "
          "VM created %.0f ms, guest's first line %.0f ms (target < 100 ms)"
          % (ms["banner"], ms["smp"], ms["selfchecks"], ms["selfchecks"] - ms["smp"],
             ms["created"], ms["guest"]))
    print("  VM creation (RAM reserved, image and DTB loaded), hypervisor's counter: %.1f ms "
          "(target < 20 ms); under -icount: guest starts %.2f M instructions after reset"
          % (med(create_us) / 1000, icount_start_us / 1000))


def linux_boot(args, vcpus, reps, pcpus=1):
    """Wall time to `Run /init` and to the shell, under the hypervisor (its vCPUs on `pcpus`
    pCPUs) and directly on QEMU (`vcpus` CPUs)."""
    if not (os.path.exists(LINUX_IMAGE) and os.path.exists(LINUX_INITRD)):
        print("(no %s: `make linux initramfs` to measure boot times)" % LINUX_IMAGE)
        return
    markers = {"init": RUN_INIT, "shell": SHELL, "created": CREATED}
    hv, direct, create_us = [], [], []
    for _ in range(reps):
        times, text = watch(hv_linux_cmd(args, vcpus, pcpus=pcpus), markers, "shell",
                            args.timeout)
        hv.append(times)
        m = CREATED.search(text)
        create_us.append(int(m.group(1)) if m else None)
        direct.append(watch(direct_linux_cmd(args, vcpus), markers, "shell", args.timeout)[0])
    print("Linux 6.12, %d vCPU(s)%s (%d runs each, median wall time from QEMU start; VM "
          "creation %.1f ms):" % (vcpus, " on %d pCPUs" % pcpus if pcpus > 1 else "", reps,
                                  med(create_us) / 1000))
    for what, key in (("Run /init", "init"), ("shell", "shell")):
        h, d = med([t.get(key) for t in hv]), med([t.get(key) for t in direct])
        print("  to %-9s under the hypervisor %.2f s   directly on QEMU %.2f s   ratio %.2fx"
              % (what, h, d, h / d))


def linux_icount(args, reps, vcpus=1, pcpus=1):
    """The kernel's timestamp at `Run /init` under -icount shift=0,sleep=off: instructions
    (in ns) from its clock's start to init, the hypervisor's work during the boot included.
    With several CPUs QEMU runs them one after the other, so every CPU's instructions count."""
    if not (os.path.exists(LINUX_IMAGE) and os.path.exists(LINUX_INITRD)):
        return
    markers = {"init": RUN_INIT}
    stamps = {"hv": [], "direct": []}
    for _ in range(reps):
        for name, cmd in (("hv", hv_linux_cmd(args, vcpus, ICOUNT, pcpus)),
                          ("direct", direct_linux_cmd(args, vcpus, ICOUNT))):
            _, text = watch(cmd, markers, "init", args.timeout)
            m = RUN_INIT.search(text)
            stamps[name].append(float(m.group(1)) if m else None)
    h, d = med(stamps["hv"]), med(stamps["direct"])
    spread = lambda v: "%.6f-%.6f" % (min(v), max(v)) if all(v) else "?"
    print("Linux 6.12, %d vCPU(s)%s, -icount shift=0,sleep=off (%d runs each): kernel "
          "timestamp at Run /init" % (vcpus, " on %d pCPUs" % pcpus if pcpus > 1 else "", reps))
    print("  under the hypervisor %.6f s (%s)   directly on QEMU %.6f s (%s)   ratio %.3fx "
          "(target < %s)" % (h, spread(stamps["hv"]), d, spread(stamps["direct"]), h / d,
                             "1.05x" if vcpus == 1 else "1.15x"))


def linux_icount_shell(args, reps, vcpus=1):
    """QEMU start to the shell under -icount shift=0,sleep=off with `quiet`, as a new user boots:
    in ns of virtual time, i.e. instructions (idle skipped). Directly on QEMU the guest's
    counter at the shell marker is that time; under the hypervisor the guest's counter starts
    at VM creation (CNTVOFF), which the `vm0: created in C us, starts S us after reset` line
    places S - C us after reset: the hypervisor's own start is counted too."""
    if not have_linux():
        return
    markers = {"stamp": STAMP, "created": CREATED}
    totals = {"hv": [], "direct": []}

    def ns(m):
        return int(m.group(1)) * 1e9 / int(m.group(2))
    for _ in range(reps):
        _, text = watch(hv_linux_cmd(args, vcpus, ICOUNT, bootargs=STAMP_BOOTARGS), markers,
                        ("stamp", "created"), args.timeout)
        m, c = STAMP.search(text), CREATED.search(text)
        totals["hv"].append(ns(m) + (int(c.group(2)) - int(c.group(1))) * 1000 if m and c
                            else None)
        _, text = watch(direct_linux_cmd(args, vcpus, ICOUNT, bootargs=STAMP_BOOTARGS),
                        markers, "stamp", args.timeout)
        m = STAMP.search(text)
        totals["direct"].append(ns(m) if m else None)
    h, d = med(totals["hv"]), med(totals["direct"])
    print("Linux 6.12, %d vCPU(s), `quiet`, -icount shift=0,sleep=off (%d runs each): QEMU start "
          "to the shell" % (vcpus, reps))
    print("  under the hypervisor %.2f M instructions   directly on QEMU %.2f M   ratio %.3fx "
          "(target < %s)" % (h / 1e6, d / 1e6, h / d, "1.05x" if vcpus == 1 else "1.10x"))


FOUR_VMS = "tests/qemu/configs/four-linux.dts"
FOUR_NAMES = ("vm-a", "vm-b", "vm-c", "vm-d")
CREATE_TARGET_MS = 20


def created(text, name):
    """(creation us, start us after reset) from `name`'s `created in` line, or None."""
    m = re.search(rb"%s: created in (\d+) us, starts (\d+) us after reset" % name.encode(), text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def four_vms(text):
    """Each VM's creation in us and all four's: from the first one's creation starting to the
    last one created (the VMs are made one after the other, vm_ctl_init())."""
    each = [created(text, n) for n in FOUR_NAMES]
    if not all(each):
        return [None] * len(FOUR_NAMES), None
    return [c for c, _ in each], each[-1][1] - (each[0][1] - each[0][0])


def vm_creation(args, reps):
    """VM creation (RAM reserved, kernel, initramfs and DTB loaded): one Linux VM of 512 MiB,
    and four from one configuration; median wall time of `reps` runs of each, interleaved,
    then once under -icount shift=0 (1 us is 1000 instructions)."""
    if not have_linux():
        print("(no %s: `make linux initramfs` to measure VM creation)" % LINUX_IMAGE)
        return
    one = hv_linux_cmd(args, 1)
    four = hvconfig.qemu_command(FOUR_VMS, out_dir="build/bench", image=args.image,
                                 qemu=args.qemu)
    last = re.compile(rb"%s: created in \d+ us, starts \d+ us after reset" %
                      FOUR_NAMES[-1].encode())
    one_us, four_each, four_total = [], [], []
    for _ in range(reps):
        _, text = watch(one, {"created": CREATED}, "created", args.timeout)
        c = created(text, "vm0")
        one_us.append(c[0] if c else None)
        _, text = watch(four, {"last": last}, "last", args.timeout)
        each, total = four_vms(text)
        four_each.append(each)
        four_total.append(total)
    _, text = watch(one[:1] + ICOUNT + one[1:], {"created": CREATED}, "created", args.timeout)
    c = created(text, "vm0")
    one_icount = c[0] if c else float("nan")
    _, text = watch(four[:1] + ICOUNT + four[1:], {"last": last}, "last", args.timeout)
    each_icount, total_icount = four_vms(text)
    ms = lambda us: "%.1f" % (us / 1000)
    print("VM creation (RAM reserved, kernel, initramfs and DTB loaded; the hypervisor's counter; "
          "%d runs, median wall time, target < %d ms each):" % (reps, CREATE_TARGET_MS))
    print("  one Linux VM, 512 MiB: %s ms (runs %s-%s ms); -icount: %d us = %.2f M instructions"
          % (ms(med(one_us)), ms(min(v for v in one_us if v)), ms(max(v for v in one_us if v)),
             one_icount, one_icount / 1000))
    print("  four from %s: %s ms, all four %s ms; -icount: %s us, all four %s us"
          % (FOUR_VMS, " / ".join(ms(med([e[i] for e in four_each]))
                                  for i in range(len(FOUR_NAMES))),
             ms(med(four_total)), " / ".join(str(v) for v in each_icount), total_icount))
