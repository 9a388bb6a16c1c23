# SPDX-License-Identifier: MIT
"""VM lifecycles (docs/boot.md, "Lifecycle"): two bare-metal VMs from a configuration
(tests/qemu/configs/life-*.dts), one of which ends or restarts while the other runs on.

The other VM is the heartbeat guest, which prints a beat a second and never stops: a beat after
the first VM's end shows it still runs; then the hypervisor console stops it (Ctrl-] moves the
input there: heartbeat is the only VM that takes input), and the machine powers off with the
status that says how the VMs ended.

life-off    "off" (pCPU 1) calls PSCI SYSTEM_OFF at once: only it stops; status 0.
life-reset  "again" calls SYSTEM_RESET: it is made again from its images and boots a second
            time (its memory disk, which keeps writes across a reset, says so; its RAM reads
            zero again), then powers off; "steady" shares its pCPU 1 throughout and is never
            restarted; status 0.
life-fault  "bad" (a text file as its kernel, on steady's pCPU 0, the VM manager's) faults at its own vector and is
            stopped with status 126; steady beats on; the machine's status is 126.
"""
from guest_cases import GUEST_FORBID, make_virtio_disk

CTRL_RB = "\x1d"  # Ctrl-]
BEAT = r"^\[steady\] heartbeat: \d+$"
STOP_STEADY = CTRL_RB + "stop steady\r"


def life_case(name, first_end, expect, status, forbid=(), prepare=None, allow_errors=False):
    """Config configs/life-NAME.dts; `first_end` the line that ends the first VM, `expect` what
    comes before it; `allow_errors`: error lines are expected (the first VM's fault)."""
    case = {
        "name": "life-" + name,
        "config": "tests/qemu/configs/life-%s.dts" % name,
        "input": [(first_end, ""), (BEAT, STOP_STEADY)],
        "expect": expect + [
            first_end,
            BEAT,
            r"^hv: console input -> hypervisor console",
            r"^hv: stop steady: requested",
            r"^steady: stopped with status 0 after \d+ exits",
        ],
        "forbid": [f for f in GUEST_FORBID if f != r"^error:" or not allow_errors] +
        [r"^steady: created in .*\(again\)"] + list(forbid),
        "exit": status,
        "timeout": 60,
    }
    if prepare:
        case["prepare"] = prepare
    return case


LIFECYCLE_CASES = [
    life_case("off", r"^off: stopped with status 0 after \d+ exits",
              [r"^off: placement \(vCPU->pCPU\): 0->1, 1 pCPU\(s\)",
               r"psci_off: calling PSCI SYSTEM_OFF",
               r"^off: PSCI SYSTEM_OFF"], 0,
              forbid=[r"SYSTEM_OFF returned"]),
    life_case("reset", r"^again: stopped with status 0 after \d+ exits \(hvc 1, ",
              [r"^again: placement \(vCPU->pCPU\): 0->1, 1 pCPU\(s\)",
               r"^steady: placement \(vCPU->pCPU\): 0->1, 1 pCPU\(s\)",
               r"^\[again\] psci_reset: boot 1$",
               r"^again: PSCI SYSTEM_RESET",
               r"^again: stopped with status 0 ",
               r"^again: reset: starting again from its images",
               r"^again: created in \d+ us, starts \d+ us after reset \(again\)",
               r"^\[again\] psci_reset: boot 2$",
               r"^\[again\] ok \d+ - psci_reset: RAM boot 1 wrote reads zero after the reset",
               r"^again: PSCI SYSTEM_OFF"], 0,
              forbid=[r"returned", r"psci_reset: boot 3"], prepare=make_virtio_disk),
    life_case("fault", r"^bad: stopped with status 126 after \d+ exits",
              [r"^error: bad: vcpu 0: exception \(esr 0x86000010\) at its own exception vector"],
              126, allow_errors=True),
]
# The last lines: one per VM, how it ended.
LIFECYCLE_CASES[0]["expect"] += [r"^hv: off ended with status 0 \(1 boot\)",
                                 r"^hv: steady ended with status 0 \(1 boot\)"]
LIFECYCLE_CASES[1]["expect"] += [r"^hv: again ended with status 0 \(2 boots\)",
                                 r"^hv: steady ended with status 0 \(1 boot\)"]
LIFECYCLE_CASES[2]["expect"] += [r"^hv: bad ended with status 126 \(1 boot\)",
                                 r"^hv: steady ended with status 0 \(1 boot\)"]
