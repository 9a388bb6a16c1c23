# SPDX-License-Identifier: MIT
"""End-to-end cases of VM configurations (docs/config.md) booted through tools/hvconfig.py:
a configuration the hypervisor cannot run stops the boot with one line naming the VM node and
the property, and a failure status, before any VM runs."""

CONFIG_CASES = [
    {
        "name": "config-invalid-ram-overlap",
        "config": "tests/qemu/configs/ram-overlap.dts",
        "expect": [r"^error: config: /vms/clash: ram-base: RAM \[0x8000000-0x10000000\) "
                   r"overlaps the GIC distributor \[0x8000000-0x8010000\)$"],
        "forbid": [r"PANIC", r"^vm0: ", r"^clash: "],
        "exit": 1,
        "timeout": 60,
    },
    {
        "name": "config-invalid-affinity",
        "config": "tests/qemu/configs/affinity-absent.dts",
        "expect": [r"^error: config: /vms/far: affinity: vCPU 1 on pCPU 3, which is not online "
                   r"\(1 pCPU\(s\) are\)$"],
        "forbid": [r"PANIC", r"^vm0: ", r"^far: "],
        "exit": 1,
        "timeout": 60,
    },
]
