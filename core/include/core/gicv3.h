/* SPDX-License-Identifier: MIT */
#ifndef CORE_GICV3_H
#define CORE_GICV3_H

/* GICv3 virtual CPU interface encodings the portable vGIC builds and reads (GICv3 architecture
 * specification IHI 0069, 12.4 "ICH_* registers"). */

/* ICH_LR<n>_EL2 */
#define ICH_LR_VINTID_MASK    0xffffffffULL
#define ICH_LR_PINTID_SHIFT   32
#define ICH_LR_PINTID_MASK    0x1fffULL
#define ICH_LR_EOI	      (1ULL << 41) /* HW=0: maintenance interrupt when the guest deactivates */
#define ICH_LR_PRIORITY_SHIFT 48
#define ICH_LR_GROUP	      (1ULL << 60)
#define ICH_LR_HW	      (1ULL << 61)
#define ICH_LR_STATE_SHIFT    62
#define ICH_LR_STATE_PENDING  1ULL
#define ICH_LR_STATE_ACTIVE   2ULL

/* ICH_HCR_EL2 */
#define ICH_HCR_EN	       (1ULL << 0)
#define ICH_HCR_UIE	       (1ULL << 1)
#define ICH_HCR_LRENPIE	       (1ULL << 2)
#define ICH_HCR_NPIE	       (1ULL << 3)
#define ICH_HCR_VGRP0EIE       (1ULL << 4)  /* maintenance while the guest has Group 0 enabled */
#define ICH_HCR_VGRP0DIE       (1ULL << 5)  /* maintenance while the guest has Group 0 disabled */
#define ICH_HCR_VGRP1EIE       (1ULL << 6)  /* maintenance while the guest has Group 1 enabled */
#define ICH_HCR_VGRP1DIE       (1ULL << 7)  /* maintenance while the guest has Group 1 disabled */
#define ICH_HCR_TDIR	       (1ULL << 14) /* ICC_DIR_EL1 writes trap (with ICH_VTR_EL2.TDS) */
#define ICH_HCR_EOICOUNT_SHIFT 27
#define ICH_HCR_EOICOUNT_MASK  0x1fULL

/* ICH_VMCR_EL2 */
#define ICH_VMCR_VENG0	    (1ULL << 0)
#define ICH_VMCR_VENG1	    (1ULL << 1)
#define ICH_VMCR_VEOIM	    (1ULL << 9) /* the guest's ICC_CTLR_EL1.EOImode */
#define ICH_VMCR_VPMR_SHIFT 24
#define ICH_VMCR_VPMR_MASK  0xffULL

/* ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 / ICC_SGI0R_EL1 (12.2.21) */
#define ICC_SGIR_TARGETLIST_MASK 0xffffULL
#define ICC_SGIR_AFF1_SHIFT	 16
#define ICC_SGIR_INTID_SHIFT	 24
#define ICC_SGIR_INTID_MASK	 0xfULL
#define ICC_SGIR_AFF2_SHIFT	 32
#define ICC_SGIR_IRM		 (1ULL << 40)
#define ICC_SGIR_RS_SHIFT	 44
#define ICC_SGIR_RS_MASK	 0xfULL
#define ICC_SGIR_AFF3_SHIFT	 48

/* ICC_DIR_EL1 / ICC_EOIR<n>_EL1: the INTID field */
#define ICC_INTID_MASK 0xffffffULL

/* GICD_IROUTER<n> */
#define GICD_IROUTER_IRM      (1ULL << 31)
#define GICD_IROUTER_AFF_MASK 0xff00ffffffULL /* Aff3 [39:32], Aff2..Aff0 [23:0] */

#endif
