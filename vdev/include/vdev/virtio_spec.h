/* SPDX-License-Identifier: MIT */
#ifndef VDEV_VIRTIO_SPEC_H
#define VDEV_VIRTIO_SPEC_H

/* The virtio specification's numbers are defined once, beside the HAL contract, for the
 * devices here, the simulated host disk and the test guests alike. */
#include <hal/virtio_spec.h>

#endif
