# SPDX-License-Identifier: MIT
"""Cases that run the bare-metal test guests under the hypervisor (filled by tests/qemu/guests)."""

GUEST_CASES = []
