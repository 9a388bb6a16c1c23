// SPDX-License-Identifier: MIT
/* HV_CALL_EXIT(7): the VM stops and a single-VM run ends with status 7. */
#include "check.h"
#include "printf.h"
#include "smccc.h"

const char guest_name[] = "exit";

int main(void)
{
	printf("exit: calling HV_CALL_EXIT(7)\n");
	int64_t ret = hvc_call(HV_CALL_EXIT, 7, 0, 0);

	/* Only reached if the call returned: the QEMU case forbids this line. */
	printf("exit: HV_CALL_EXIT returned %ld\n", ret);
	guest_exit(1);
}
