/* SPDX-License-Identifier: MIT */
#ifndef CORE_ERR_H
#define CORE_ERR_H

/* The project-wide error codes (enum hv_err) belong to the HAL contract, which both sides
 * share. */
#include <hal/err.h>

/* A short name for an error code, for log lines. */
const char *hv_strerror(int err);

#endif
