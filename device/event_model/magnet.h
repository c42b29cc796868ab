/* The magnet as kernels see it (magnet_polarity condition): its polarity, which decides the sign of the bending. */
#ifndef KST_MAGNET_H
#define KST_MAGNET_H

/* polarity -1 (down, as in the LHCb sample): positive particles bend towards +x. */
typedef struct kst_magnet {
  float polarity;
} kst_magnet;

#endif
