/* Views: the small functions that turn a container's one buffer into typed arrays, callable from kernels and host. */
#ifndef KST_VIEW_H
#define KST_VIEW_H

#if defined(__CUDACC__) || defined(__HIPCC__) || defined(__HIP__)
#define KST_VIEW_FN static __host__ __device__ inline
#else
#define KST_VIEW_FN static inline
#endif

#endif
