/* SPDX-License-Identifier: MIT */
#ifndef HAL_FIRMWARE_H
#define HAL_FIRMWARE_H

#include <stdbool.h>
#include <stdint.h>

/* Calls into the firmware below us (PSCI at EL3 on QEMU virt). */

enum hal_psci_conduit { HAL_PSCI_SMC, HAL_PSCI_HVC };

/* Choose how PSCI calls reach firmware; the host DTB's /psci "method" says which. */
void hal_psci_set_conduit(enum hal_psci_conduit conduit);

/* Start physical CPU `mpidr` at the hypervisor's secondary entry; it arrives in the core's
 * secondary start path with `cpu_index`. Returns the PSCI status (0 = success). */
int32_t hal_psci_cpu_on(uint64_t mpidr, unsigned cpu_index);

/* Any SMCCC call to firmware over the PSCI conduit: x0 = fid, x1..x3 = args; res[0..3] =
 * x0..x3 afterwards. Callers make sure the firmware implements `fid` (e.g. through
 * PSCI_FEATURES) first: on some boards an unknown SMC is an undefined instruction. */
void hal_firmware_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t res[4]);

/* PSCI SYSTEM_OFF / SYSTEM_RESET. They do not return when firmware honours them. */
_Noreturn void hal_system_off(void);
_Noreturn void hal_system_reset(void);

/* Leave the machine reporting `status` to whoever runs it (QEMU semihosting SYS_EXIT when
 * enabled by hal_debug_exit_enable()); otherwise falls back to SYSTEM_OFF (status 0) or,
 * for a failure, SYSTEM_RESET. */
void hal_debug_exit_enable(void);
_Noreturn void hal_machine_exit(int status);

#endif
