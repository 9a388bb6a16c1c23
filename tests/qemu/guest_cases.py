# SPDX-License-Identifier: MIT
"""Cases that run the bare-metal test guests (tests/qemu/guests/, built by `make guests`) under
the hypervisor, one guest per case, loaded as a boot module with QEMU's guest-loader.

A passing guest prints TAP-like "ok N - ..." lines and ends with
"guest: <name>: <passed> passed, <failed> failed" and HV_CALL_EXIT(failed ? 1 : 0). Its case
requires that summary with the exact number of checks the guest makes (so a guest that stops
checking early, or skips a check, fails its case), the console markers that prove output
reached the console by each path, and the QEMU exit status. Guest lines are matched without
"^" so that a per-VM prefix on the console would not break them.

The interrupt guests (vtimer, sgi, prio, spi, lr_overflow, gicd, uart_rx) program the GIC as
on hardware and pass on plain QEMU too (`make guests`, then
`qemu-system-aarch64 -M virt,gic-version=3 -cpu max -nographic -nic none -m 128M -kernel
build/guests/<name>.bin`); uart_rx waits for a typed line, which its case's "input" types.

virtio_good drives the virtio-blk device as a well-formed driver and virtio_hostile as a hostile
one, each over a memory disk (hv.memdisk) whose bytes both sides compute: guest-<name> on a
writable disk, guest-<name>-ro on the same image read-only.
"""
import os

GUEST_FORBID = [r"not ok", r"PANIC", r"^error:", r"# SKIP no hypervisor"]

# Checks per guest: update when a guest gains or loses checks.
GUEST_CHECKS = {
    "boot": 11,
    "ram": 10,
    "hvc": 44,
    "smc": 45,     # the hvc suite + "smc #0 traps to the hypervisor"
    "mmio": 131,
    "sysreg": 53,
    "debug": 17,
    "debug_exc": 17,
    "extensions": 20,
    "abort": 22,
    "wfi": 5,
    "vtimer": 23,
    "ptimer": 18,
    "pmu": 16,
    "sgi": 37,
    "prio": 33,
    "eoimode1": 14,
    "spi": 27,
    "lr_overflow": 10,
    "wake": 7,
    "cpu_on": 10,
    "fp_switch": 7,
    "sve_switch": 13,
    "cpu_off_race": 5,
    "mmu": 6,
    "gicd": 45,
    "uart_rx": 7,
    "virtio_good": 33,
    "virtio_slots": 33,
    "virtio_hostile": 169,
    "smp_pingpong": 4,
    "spin": 3,
    "ffa": 40,
    "ffa_mem": 45,
    "bench": 1,
}


def guest_image(name):
    return "build/guests/%s.bin" % name


def checking_guest(name, markers=(), forbid=(), typed=()):
    """A guest that runs checks: its markers in order, then its summary; status 0. `typed`:
    (regex, text) pairs, the text typed on the console once a line matches (run.py "input")."""
    case = {
        "name": "guest-" + name,
        "smp": 1,
        "guest": guest_image(name),
        "expect": list(markers) + [r"guest: %s: %d passed, 0 failed" % (name,
                                                                      GUEST_CHECKS[name])],
        "forbid": GUEST_FORBID + list(forbid),
        # The guests end lines with "\r\n" and the hypervisor passes their bytes on as
        # written: no carriage return may be added on the way out.
        "raw_forbid": [b"\r\r\n"],
        "exit": 0,
        "timeout": 30,
    }
    if typed:
        case["input"] = list(typed)
    return case


def int_below(limit):
    """A regex for a decimal integer (no leading zeros) below `limit`."""
    digits = str(limit)
    alts = ["0"] + [r"[1-9]\d{%d}" % n for n in range(len(digits) - 1)]
    for i, c in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(c) > low:
            alts.append(r"%s[%d-%d]\d{%d}" % (digits[:i], low, int(c) - 1, len(digits) - i - 1))
    return "(?:%s)" % "|".join(alts)


# SGI round trips of smp_pingpong (PINGPONG_ROUNDS x 3 siblings), and the most instructions
# each may take under -icount shift=0 (the counter ticks every 16), by pCPU count: main's
# figures (docs/trap-path.md) plus about 3%, so a change that makes the switch or trap path
# dearer shows here, not only in `make bench`.
PINGPONG_TRIPS = 600
PINGPONG_MAX_INSNS = {1: 2350, 2: 2500, 4: 1665}


def pingpong_bound(pcpus):
    ticks = PINGPONG_TRIPS * PINGPONG_MAX_INSNS[pcpus] // 16
    return r"^bench: sgi-roundtrip %d %s 62500000" % (PINGPONG_TRIPS, int_below(ticks))


def smp_pingpong_guest(pcpus=1):
    """4 vCPUs on `pcpus` pCPUs, SGI round trips from vCPU 0 to each sibling: every one in well
    under a slice, and all of them within PINGPONG_MAX_INSNS instructions each. Under -icount
    shift=0 virtual time is instructions, so the bounds are deterministic."""
    case = checking_guest("smp_pingpong", [r"^vm0: .* 4 vCPU\(s\)",
                                           r"smp_pingpong: every round trip took under",
                                           pingpong_bound(pcpus)])
    case["bootargs"] = ["hv.vcpus=4"]
    case["qemu_args"] = ["-icount", "shift=0"]
    return on_pcpus(case, pcpus) if pcpus > 1 else case


# The bench guest's emulated MMIO rows (`make bench`: a vPL011 register read, a write of its
# data register) and the most instructions each may take under -icount shift=0, the guest's
# loop included: main's figures (docs/trap-path.md) plus about 3%, so a change that makes the
# MMIO exit dearer shows here, not only in `make bench`.
BENCH_ITERATIONS = 100000
MMIO_MAX_INSNS = {"mmio-read": 332, "mmio-write": 471}


def mmio_bound(op):
    ticks = BENCH_ITERATIONS * MMIO_MAX_INSNS[op] // 16
    return r"bench: %s %d %s 62500000" % (op, BENCH_ITERATIONS, int_below(ticks))


def bench_guest():
    """`make bench`'s guest under -icount shift=0, its MMIO rows within MMIO_MAX_INSNS."""
    case = checking_guest("bench", [mmio_bound("mmio-read"), mmio_bound("mmio-write")])
    case["qemu_args"] = ["-icount", "shift=0"]
    case["timeout"] = 120
    return case


def on_pcpus(case, pcpus):
    """`case` again with its vCPUs spread over `pcpus` pCPUs (vCPU i on pCPU i % pcpus)."""
    spread = dict(case, name="%s-pcpus%d" % (case["name"], pcpus), smp=pcpus,
                  bootargs=case.get("bootargs", []) + ["hv.pcpus=%d" % pcpus])
    spread["expect"] = [r"^vm0: placement \(vCPU->pCPU\): .*, %d pCPU" % pcpus] + case["expect"]
    return spread


def stopping_guest(name, says, forbid, status):
    """A guest that prints `says` and then stops the VM: nothing after, the given status."""
    return {
        "name": "guest-" + name,
        "smp": 1,
        "guest": guest_image(name),
        "expect": [says],
        "forbid": GUEST_FORBID + [forbid, r"guest: %s:" % name],
        "exit": status,
        "timeout": 30,
    }


def smccc_guest(conduit):
    """hvc / smc: the markers HV_CALL_PUTC and HV_CALL_PUTS print end in a bare "\n" in the
    guest's memory, and reach the console exactly so."""
    case = checking_guest(conduit, smccc_markers(conduit))
    case["raw_expect"] = [b"%s: putc marker via HV_CALL_PUTC\n" % conduit.encode(),
                          b"%s: puts marker from guest RAM\n" % conduit.encode()]
    return case


def smccc_markers(conduit):
    """What HV_CALL_PUTC and HV_CALL_PUTS print in lib/smccc_suite.c, in order."""
    return [r"%s: putc marker via HV_CALL_PUTC$" % conduit,
            r"%s: puts marker from guest RAM$" % conduit,
            r"%s: ram end ok$" % conduit]


# The virtio guests' disk: 1 MiB, byte `off` = image_byte(off) of
# tests/qemu/guests/lib/virtio_test.c, loaded by QEMU's guest-loader as a ramdisk module clear of
# the guest image (run.py GUEST_LOAD_ADDR) and of QEMU's DTB (RAM base + 128 MiB).
VIRTIO_DISK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build",
                           "e2e", "virtio_disk.img")
VIRTIO_DISK_BYTES = 1 << 20
VIRTIO_DISK_ADDR = 0x58000000


def virtio_disk_bytes():
    return bytes(((off >> 9) * 37 + (off & 511) * 13 + 0xa5) & 0xff
                 for off in range(VIRTIO_DISK_BYTES))


def make_virtio_disk():
    """The image, written afresh: the guests write only the hypervisor's copy in memory."""
    os.makedirs(os.path.dirname(VIRTIO_DISK), exist_ok=True)
    with open(VIRTIO_DISK, "wb") as f:
        f.write(virtio_disk_bytes())
    return None


def virtio_guest(name, read_only, markers=()):
    """A virtio-blk guest on the memory disk, writable or read-only: the hypervisor's disk line,
    the mode the guest saw, then `markers`."""
    mode = "read-only" if read_only else "read-write"
    case = checking_guest(name, [
        r"^vm0: disk vda: mem, 1 MiB%s \(virtio-mmio 0xa000000, INTID 48\)"
        % (", read-only" if read_only else ""),
        r"%s: %s disk$" % (name, mode),
    ] + list(markers))
    if read_only:
        case["name"] += "-ro"
    # 512 MiB would leave no 128 MiB of contiguous host RAM for the VM around the modules.
    case["mem"] = "1G"
    case["bootargs"] = ["hv.memdisk=0x%x" % VIRTIO_DISK_ADDR] + (
        ["hv.memdisk.ro"] if read_only else [])
    case["qemu_args"] = ["-device", "guest-loader,addr=0x%x,initrd=%s" % (VIRTIO_DISK_ADDR,
                                                                          VIRTIO_DISK)]
    case["prepare"] = make_virtio_disk
    return case


def hostile_virtio_guest(read_only):
    """virtio_hostile: the hypervisor logs its first warnings (a buffer outside RAM) and, after
    the guest's quiet second, how many it held back."""
    return virtio_guest("virtio_hostile", read_only, [
        r"^warning: vm0: virtio-blk@0xa000000: buffer outside the VM's RAM; device needs reset",
        r"virtio_hostile: quiet for 1.1 s, then one more hostile request",
        r"^warning: \d+ similar message\(s\) suppressed",
        r"^warning: vm0: virtio-blk@0xa000000: buffer outside the VM's RAM; device needs reset",
    ])


def psci_reset_guest():
    """SYSTEM_RESET restarts only the VM, from its images: boot 1 marks its memory disk and
    resets, the VM is made again (its RAM zeroed), boot 2 finds the mark and powers off."""
    return {
        "name": "guest-psci_reset",
        "smp": 1,
        "mem": "1G",
        "guest": guest_image("psci_reset"),
        "bootargs": ["hv.memdisk=0x%x" % VIRTIO_DISK_ADDR],
        "qemu_args": ["-device", "guest-loader,addr=0x%x,initrd=%s" % (VIRTIO_DISK_ADDR,
                                                                       VIRTIO_DISK)],
        "prepare": make_virtio_disk,
        "expect": [r"psci_reset: boot 1$",
                   r"psci_reset: calling PSCI SYSTEM_RESET",
                   r"^vm0: stopped with status 0 ",
                   r"^vm0: reset: starting again from its images",
                   r"^vm0: created in \d+ us, starts \d+ us after reset \(again\)",
                   r"psci_reset: boot 2$",
                   r"ok \d+ - psci_reset: RAM boot 1 wrote reads zero after the reset",
                   r"psci_reset: calling PSCI SYSTEM_OFF",
                   r"^vm0: stopped with status 0 ",
                   r"^hv: vm0 ended with status 0 \(2 boots\)"],
        "forbid": GUEST_FORBID + [r"returned", r"guest: psci_reset:", r"psci_reset: boot 3"],
        "exit": 0,
        "timeout": 30,
    }


def ffa_guest():
    """FF-A (docs/ffa.md): two VMs of tests/qemu/configs/ffa-two.dts run the ffa guest; each
    checks the calls and finds both partitions as configured; both end with status 0."""
    return {
        "name": "guest-ffa",
        "config": "tests/qemu/configs/ffa-two.dts",
        # In order of time: which VM finishes first is the scheduler's choice.
        "expect": [r"^\[ffa-[ab]\] guest: ffa: %d passed, 0 failed" % GUEST_CHECKS["ffa"]] * 2 +
        [r"^hv: ffa-a ended with status 0 \(1 boot\)",
         r"^hv: ffa-b ended with status 0 \(1 boot\)"],
        "forbid": GUEST_FORBID,
        "exit": 0,
        "timeout": 60,
    }


# The timed FF-A direct round trips of ffa_msg (200), and the most instructions each may take
# on one pCPU under -icount shift=0 (the counter ticks every 16): main's figure (docs/ffa.md)
# plus about 3%. Two pCPUs interleave as QEMU's TCG schedules them: no bound there.
FFA_TRIPS = 200
FFA_ONE_MAX_INSNS = 1678


def ffa_msg_case(where, config):
    """guest-ffa-msg-*: endpoint 1 asks endpoint 2 direct requests (tests/qemu/guests/ffa_msg.c,
    docs/ffa.md): BUSY until the server waits, 200 round trips with payloads checked both ways,
    20 indirect messages (FFA_MSG_SEND2, BUSY while the server's RX is full), the error cases,
    FFA_RUN and FFA_YIELD, then the server stops holding a request and the
    asker's call ends ABORTED. Both end with status 0. On one pCPU, under -icount, the timed
    round trips are bounded (FFA_ONE_MAX_INSNS)."""
    timed = r"^\[ffa-ask\] bench: ffa-roundtrip %d \d+ \d+" % FFA_TRIPS
    extra = {}
    if where == "one":
        timed = r"^\[ffa-ask\] bench: ffa-roundtrip %d %s 62500000" % (
            FFA_TRIPS, int_below(FFA_TRIPS * FFA_ONE_MAX_INSNS // 16))
        extra = {"qemu_args": ["-icount", "shift=0"]}
    return dict({
        "name": "guest-ffa-msg-" + where,
        "config": config,
        # In order of time: the server stops (its summary) only after the timed requests,
        # and the asker's last call ends only once the server has stopped.
        "expect": [timed,
                   r"^\[ffa-serve\] guest: ffa_msg: 8 passed, 0 failed",
                   r"^\[ffa-ask\] guest: ffa_msg: 15 passed, 0 failed",
                   r"^hv: ffa-ask ended with status 0 \(1 boot\)"],
        "forbid": GUEST_FORBID,
        "exit": 0,
        "timeout": 60,
    }, **extra)


def ffa_mem_case():
    """guest-ffa-mem: endpoint 1 shares, lends and donates pages to endpoint 2
    (tests/qemu/guests/ffa_mem.c, docs/ffa.md "Memory sharing"), one VM on each pCPU: data
    checked on both sides, the lender's access to lent memory a data abort, reclaim only after
    the relinquish, hostile descriptors and handles answered with FF-A errors, the timed
    rounds, then the borrower stops holding a donated and a lent page: both come back."""
    return {
        "name": "guest-ffa-mem",
        "config": "tests/qemu/configs/ffa-mem.dts",
        "expect": [r"^\[ffa-lend\] bench: ffa-mem 20 \d+ \d+ \d+ \d+",
                   r"^\[ffa-borrow\] guest: ffa_mem: 3 passed, 0 failed",
                   r"^\[ffa-lend\] guest: ffa_mem: %d passed, 0 failed" % GUEST_CHECKS["ffa_mem"],
                   r"^hv: ffa-lend ended with status 0 \(1 boot\)"],
        "forbid": GUEST_FORBID,
        "exit": 0,
        "timeout": 60,
    }


GUEST_CASES = [
    checking_guest("boot", [r"boot: entered at 0x40080000 with x0 "]),
    # RAM populated on first touch: zeros before any write, no abort (docs/memory.md).
    checking_guest("ram", forbid=[r"external abort"]),
    smccc_guest("hvc"),
    smccc_guest("smc"),
    checking_guest("mmio", [r"mmio: DR widths: STRB=b STRH=h STRW=w STRX=x STPW=p STRpost=i "
                            r"end$"]),
    # QEMU 7.2 ignores HCR_EL2.TIDCP: IMPDEF registers are UNDEFINED at EL1 without reaching
    # EL2, or (the Cortex-A57 ones of -cpu max) just work and are reported as skipped.
    checking_guest("sysreg"),
    checking_guest("debug"),
    # The guest's own breakpoint, watchpoint, software step and BRK at EL1 (issue #16 item 2).
    checking_guest("debug_exc"),
    # With hv.sve=off SVE is hidden and UNDEFINED, as on a CPU without it.
    dict(checking_guest("extensions", [r"sve: hidden from guests \(hv.sve=off\)"]),
         bootargs=["hv.sve=off"]),
    checking_guest("abort"),
    # The guest's own stage 1: an LDP from RAM into a device, a walk outside RAM (issue #11
    # items 10 and 11).
    checking_guest("mmu"),
    checking_guest("wfi"),
    # Every virtio-mmio slot answers as on QEMU virt: DeviceID 0 where there is no device.
    checking_guest("virtio_slots", forbid=[r"external abort"]),
    # The interrupt path: vGIC distributor/redistributor, virtual CPU interface, list
    # registers, virtual timer, vPL011 interrupts.
    checking_guest("vtimer", [r"vtimer: WFI until the virtual timer fires"]),
    # The EL1 physical timer, emulated (issue #16 item 1), on two vCPUs sharing one pCPU.
    dict(checking_guest("ptimer"), bootargs=["hv.vcpus=2"]),
    # The virtual PMU (issue #16 item 3), under -icount so that QEMU counts instructions.
    dict(checking_guest("pmu"), bootargs=["hv.vcpus=2"], qemu_args=["-icount", "shift=0"]),
    checking_guest("sgi"),
    checking_guest("prio"),
    checking_guest("eoimode1"),
    checking_guest("spi", [r"spi: PL011 TX interrupt as a level source"]),
    checking_guest("lr_overflow"),
    smp_pingpong_guest(),
    checking_guest("gicd"),
    # Two vCPUs on one pCPU: enabling a pending SPI wakes its target at once (issue #11 item 6).
    dict(checking_guest("wake"), bootargs=["hv.vcpus=2"]),
    # CPU_ON is a cold reset: nothing of a vCPU's previous life survives (issue #11 item 7).
    dict(checking_guest("cpu_on"), bootargs=["hv.vcpus=2"]),
    # Two vCPUs on one pCPU taking turns with FP/SIMD: lazy switching keeps each one's
    # registers, and a vCPU never sees the other's (docs/trap-path.md, "FP/SIMD").
    dict(checking_guest("fp_switch"), bootargs=["hv.vcpus=2"]),
    # SVE for guests: the hypervisor's vector length, and Z/P/FFR switched lazily between two
    # vCPUs on one pCPU that both use SVE (docs/guest-abi.md, "SVE").
    dict(checking_guest("sve_switch", [r"sve: guests get SVE, vector length up to 512 bits"]),
         bootargs=["hv.vcpus=2"]),
    # CPU_ON racing the target's CPU_OFF: only answers PSCI allows, no reset of a loaded
    # vCPU (issue #13 item 3; docs/scheduling.md, "Several pCPUs").
    dict(checking_guest("cpu_off_race", [r"cpu_off_race: CPU_ON answered ALREADY_ON"]),
         bootargs=["hv.vcpus=2"]),
    # The same multi-vCPU guests with their vCPUs on different pCPUs (issue #13 item 8):
    # SGIs and CPU_ON cross pCPUs through the kick. (wake is not among them: it checks that
    # its sibling runs before its own next instruction, which only one shared pCPU implies.)
    smp_pingpong_guest(4),
    smp_pingpong_guest(2),
    # Each vCPU's physical timer on a pCPU of its own. (Not pmu: QEMU's instruction count
    # under -icount is the whole machine's, so INST_RETIRED there counts the other pCPU too.)
    on_pcpus(dict(checking_guest("ptimer"), bootargs=["hv.vcpus=2"]), 2),
    on_pcpus(dict(checking_guest("cpu_on"), bootargs=["hv.vcpus=2"]), 2),
    on_pcpus(dict(checking_guest("fp_switch"), bootargs=["hv.vcpus=2"]), 2),
    on_pcpus(dict(checking_guest("sve_switch"), bootargs=["hv.vcpus=2"]), 2),
    on_pcpus(dict(checking_guest("cpu_off_race", [r"cpu_off_race: CPU_ON answered ALREADY_ON"]),
                  bootargs=["hv.vcpus=2"]), 2),
    ffa_guest(),
    ffa_msg_case("one", "tests/qemu/configs/ffa-msg-one.dts"),
    ffa_msg_case("two", "tests/qemu/configs/ffa-msg-two.dts"),
    ffa_mem_case(),
    checking_guest("uart_rx", [r"uart_rx: ready$", r"uart_rx: got 'hello'$"],
                   typed=[(r"uart_rx: ready$", "hello\n")]),
    stopping_guest("exit", r"exit: calling HV_CALL_EXIT\(7\)", r"HV_CALL_EXIT returned", 7),
    stopping_guest("psci_off", r"psci_off: calling PSCI SYSTEM_OFF", r"SYSTEM_OFF returned", 0),
    psci_reset_guest(),
    # virtio-blk: a well-formed driver (virtio_good.c), then a hostile one (virtio_hostile.c);
    # virtio_good's write reads back unchanged on the read-only disk.
    virtio_guest("virtio_good", False),
    virtio_guest("virtio_good", True),
    hostile_virtio_guest(False),
    hostile_virtio_guest(True),
    # The CPU-bound guest of `make bench`'s CPU-share rows: it finds its vCPUs by CPU_ON and
    # counts the work each did in its window.
    dict(checking_guest("spin", [r"bench: spin 2 [1-9]\d* "]), bootargs=["hv.vcpus=2"]),
    # `make bench` runs it for its figures; here its MMIO rows are bounded.
    bench_guest(),
    # A text file taken as a raw image: its first word is UNDEFINED, the vector (VBAR_EL1 0 at
    # reset) is not in RAM, so the exception faults at its own vector: the VM is stopped with a
    # message and status 126 instead of looping (issue #11 item 20).
    {
        "name": "guest-not-an-image",
        "smp": 1,
        "guest": "README.md",
        "expect": [r"^error: vm0: vcpu 0: exception \(esr 0x86000010\) at its own exception "
                   r"vector 0x200 \(VBAR_EL1 0x0\): the guest cannot take exceptions; VM "
                   r"stopped$",
                   r"^vm0: stopped with status 126 "],
        "forbid": [r"similar message\(s\) suppressed"],
        "exit": 126,
        "timeout": 30,
    },
]
