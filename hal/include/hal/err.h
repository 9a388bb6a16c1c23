/* SPDX-License-Identifier: MIT */
#ifndef HAL_ERR_H
#define HAL_ERR_H

/* The project-wide error codes. Functions that can fail, on either side of the HAL contract,
 * return 0 or one of these (negative). They are defined here, with the contract, so that
 * hal/aarch64/ and hal-sim/ can report errors without including core/ (core/err.h adds
 * hv_strerror()). */
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

#endif
