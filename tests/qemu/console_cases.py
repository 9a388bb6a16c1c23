# SPDX-License-Identifier: MIT
"""The console (docs/console.md): Ctrl-] moving the input focus, the hypervisor console's
commands, and (with several VMs) output lines tagged with their VM's name.

console-hv-one-vm: one VM (the uart_rx guest, which waits for a typed line). Ctrl-] takes the
input to the hypervisor console, which answers help, list and stats; a second Ctrl-] gives the
input back to vm0, which gets the line typed after it and nothing typed at the hv> prompt. Its
output stays untagged (one VM), and at its stop the stats table follows the status line.

console-two-vms: two VMs (tests/qemu/configs/console-two.dts), each the uart_rx guest. Every
guest line comes tagged with its VM; the boot says left has the input. Ctrl-] Ctrl-] reaches
the hypervisor console, whose list shows both running; once both guests are ready Ctrl-] gives
the input back to left, which alone gets the line typed then; when left stops the input moves on to right, which gets
the next line; both stop with status 0 and so does the machine.

console-hv-lifecycle: two VMs (tests/qemu/configs/console-life.dts), left the heartbeat guest,
right uart_rx, driven from the hypervisor console: stop right (its report follows, list says
it stopped and left runs), start right (it boots again), reset right (again), then Ctrl-]
twice gives right the input and its line; left keeps beating throughout.

console-hv-start-beside-a-waiting-vm: stop and start right from hv> while left waits for input
in WFI with nothing due for 20 s (the uart_rx guest): right must run at once, not when left's
timer fires (the VM manager's pCPU took in the vCPUs it had just queued only at its next
interrupt; under -icount this case lost that race 3 times in 4), so left still gets its line.
"""
from guest_cases import GUEST_CHECKS, GUEST_FORBID, guest_image

CTRL_RB = "\x1d"  # Ctrl-]

CONSOLE_CASES = [
    {
        "name": "console-hv-one-vm",
        "smp": 1,
        "guest": guest_image("uart_rx"),
        "input": [(r"uart_rx: ready$",
                   CTRL_RB + "help\r" + "lisx\x7ft\r" + "stats vm0\r" + "stats\r" + "bogus\r" +
                   CTRL_RB + "hello\n")],
        "expect": [r"^uart_rx: ready$",
                   r"^hv: console input -> hypervisor console \(Ctrl-\] for next\)$",
                   r"^hv:   stats \[VM\]",
                   r"^hv: VM +state +vCPUs +on pCPUs +weight$",
                   r"^hv: vm0 +running +1  0 +[0-9]+$",
                   r"^vm0: +exits +mmio +sysreg +wfx +hvc +smc +irq +abort +undef +run_us "
                   r"+wait_us$",
                   r"^vm0: vcpu0 +[1-9][0-9]* ",
                   r"^vm0: total +[1-9][0-9]* ",
                   r"^hv: vm0 +[1-9][0-9]* ",
                   r"^hv: unknown command 'bogus'",
                   r"^hv: console input -> vm0 \(Ctrl-\] for next\)$",
                   r"^uart_rx: got 'hello'$",
                   r"^guest: uart_rx: %d passed, 0 failed" % GUEST_CHECKS["uart_rx"],
                   r"^vm0: stopped with status 0 after [0-9]+ exits",
                   r"^vm0: total +[1-9][0-9]* "],
        "forbid": GUEST_FORBID + [r"^\[vm0\]"],
        "exit": 0,
        "timeout": 30,
    },
    {
        "name": "console-two-vms",
        "config": "tests/qemu/configs/console-two.dts",
        # Each guest drops what was typed before it was ready: left's line goes once both are.
        "input": [(r"^\[(left|right)\] uart_rx: ready$", CTRL_RB + CTRL_RB + "list\r"),
                  (r"^\[(left|right)\] uart_rx: ready$", CTRL_RB + "hello\n"),
                  # Not on the focus line: the first Ctrl-] printed one too, maybe after
                  # left's ready line, which typed right's line into left.
                  (r"^left: stopped with status 0", "hello\n")],
        "expect": [r"^hv: console input -> left \(Ctrl-\] for next\)$",
                   r"^\[(left|right)\] uart_rx: ready$",
                   r"^hv: console input -> right \(Ctrl-\] for next\)$",
                   r"^hv: console input -> hypervisor console \(Ctrl-\] for next\)$",
                   r"^hv: VM +state +vCPUs +on pCPUs +weight$",
                   r"^hv: left +(created|running) +1  0 +256$",
                   r"^hv: right +(created|running) +1  0 +256$",
                   r"^hv: console input -> left \(Ctrl-\] for next\)$",
                   r"^\[left\] uart_rx: got 'hello'$",
                   r"^\[left\] guest: uart_rx: %d passed, 0 failed" % GUEST_CHECKS["uart_rx"],
                   r"^hv: console input -> right \(Ctrl-\] for next\)$",
                   r"^left: stopped with status 0 after [0-9]+ exits",
                   r"^left: total +[1-9][0-9]* ",
                   r"^\[right\] uart_rx: got 'hello'$",
                   r"^\[right\] guest: uart_rx: %d passed, 0 failed" % GUEST_CHECKS["uart_rx"],
                   r"^right: stopped with status 0 after [0-9]+ exits",
                   r"^hv: right ended with status 0"],
        # Every guest line is tagged: none comes bare, none mixes two VMs.
        "forbid": GUEST_FORBID + [r"^uart_rx:", r"^guest:", r"\].*\[(left|right)\]"],
        "exit": 0,
        "timeout": 60,
    },
    {
        "name": "console-hv-lifecycle",
        "config": "tests/qemu/configs/console-life.dts",
        "input": [(r"^\[right\] uart_rx: ready$", CTRL_RB + CTRL_RB + "stop right\r"),
                  (r"^right: total ", "list\r"),
                  (r"^hv: right +stopped", "start right\r"),
                  (r"^\[right\] uart_rx: ready$", "reset right\r"),
                  (r"^\[right\] uart_rx: ready$", CTRL_RB + CTRL_RB + "hello\n")],
        "expect": [r"^hv: console input -> left \(Ctrl-\] for next\)$",
                   r"^hv: console input -> hypervisor console \(Ctrl-\] for next\)$",
                   r"^hv: stop right: requested$",
                   r"^right: stopped with status",
                   r"^hv: left +running +1  0 +256$",
                   r"^hv: right +stopped +1  0 +256$",
                   r"^hv: start right: requested$",
                   r"^\[right\] uart_rx: ready$",
                   r"^hv: reset right: requested$",
                   r"^\[right\] uart_rx: ready$",
                   r"^hv: console input -> left \(Ctrl-\] for next\)$",
                   r"^hv: console input -> right \(Ctrl-\] for next\)$",
                   r"^\[right\] uart_rx: got 'hello'$",
                   r"^\[right\] guest: uart_rx: %d passed, 0 failed" % GUEST_CHECKS["uart_rx"],
                   r"^right: stopped with status 0 after",
                   r"^\[left\] heartbeat: [0-9]+$"],
        "forbid": GUEST_FORBID + [r"^uart_rx:", r"^guest:", r"^heartbeat:",
                                  r"\].*\[(left|right)\]"],
        "exit": None,
        "timeout": 60,
    },
    {
        "name": "console-hv-start-beside-a-waiting-vm",
        "config": "tests/qemu/configs/console-two.dts",
        "qemu_args": ["-icount", "shift=0"],
        "input": [(r"^\[(left|right)\] uart_rx: ready$", CTRL_RB + CTRL_RB + "stop right\r"),
                  (r"^right: total ", "start right\r"),
                  (r"^\[right\] uart_rx: ready$", CTRL_RB + "hello\n"),
                  # Not on the focus line: the first Ctrl-] printed one too, maybe after
                  # left's ready line, which typed right's line into left.
                  (r"^left: stopped with status 0", "hello\n")],
        "expect": [r"^hv: stop right: requested$",
                   r"^right: stopped with status 0 ",
                   r"^hv: start right: requested$",
                   r"^\[right\] uart_rx: ready$",
                   r"^hv: console input -> left \(Ctrl-\] for next\)$",
                   r"^\[left\] uart_rx: got 'hello'$",
                   r"^\[left\] guest: uart_rx: %d passed, 0 failed" % GUEST_CHECKS["uart_rx"],
                   r"^hv: console input -> right \(Ctrl-\] for next\)$",
                   r"^\[right\] uart_rx: got 'hello'$",
                   r"^right: stopped with status 0 after"],
        "forbid": GUEST_FORBID + [r"^uart_rx:", r"^guest:"],
        "exit": None,
        "timeout": 60,
    },
]
