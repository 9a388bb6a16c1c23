// SPDX-License-Identifier: MIT
#include <core/err.h>

const char *hv_strerror(int err)
{
	switch (err) {
	case HV_OK:
		return "ok";
	case HV_EINVAL:
		return "invalid argument";
	case HV_ENOMEM:
		return "out of memory";
	case HV_ENOENT:
		return "not found";
	case HV_ERANGE:
		return "out of range";
	case HV_EBUSY:
		return "busy";
	case HV_EFAULT:
		return "bad address";
	case HV_ENOTSUP:
		return "not supported";
	case HV_ETIMEDOUT:
		return "timed out";
	case HV_EIO:
		return "I/O error";
	default:
		return "unknown error";
	}
}
