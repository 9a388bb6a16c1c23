/* SPDX-License-Identifier: MIT */
#ifndef CORE_ERR_H
#define CORE_ERR_H

/* The project-wide error codes. Functions that can fail return 0 or one of these (negative). */
enum hv_err {
	HV_OK = 0,
	HV_EINVAL = -1,	 /* malformed input */
	HV_ENOMEM = -2,	 /* out of memory or out of a fixed-size table */
	HV_ENOENT = -3,	 /* not found */
	HV_ERANGE = -4,	 /* value or address out of range */
	HV_EBUSY = -5,	 /* already in use */
	HV_EFAULT = -6,	 /* bad address */
	HV_ENOTSUP = -7, /* valid but not supported */
	HV_ETIMEDOUT = -8,
	HV_EIO = -9, /* a device reported an error or stopped working */
};

/* A short name for an error code, for log lines. */
const char *hv_strerror(int err);

#endif
