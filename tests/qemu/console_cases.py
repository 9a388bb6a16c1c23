# SPDX-License-Identifier: MIT
"""The console (docs/console.md): Ctrl-] moving the input focus, the hypervisor console's
commands, and (with several VMs) output lines tagged with their VM's name.

console-hv-one-vm: one VM (the uart_rx guest, which waits for a typed line). Ctrl-] takes the
input to the hypervisor console, which answers help, list and stats; a second Ctrl-] gives the
input back to vm0, which gets the line typed after it and nothing typed at the hv> prompt. Its
output stays untagged (one VM), and at its stop the stats table follows the status line.
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
]
