/* The kernel dialect: lets one .cu kernel source build as CUDA, as HIP and as plain C11 for the CPU. */
#ifndef KST_DIALECT_H
#define KST_DIALECT_H

#include <stdint.h>

#include "kst_backend.h"

#if defined(__CUDACC__) || defined(__HIPCC__) || defined(__HIP__)
/* ---------------------------------------------------------------- GPU (CUDA or HIP) */
#define KST_GPU 1
#include "gpu_vendor.h"

#define KST_EXTERN_C extern "C"
#define KST_GLOBAL static __global__ void
/* A kernel of at most max_threads per block that must fit min_blocks blocks on a multiprocessor: the compiler keeps
   its registers within that (on HIP the second number is a hint of waves per execution unit). */
#define KST_GLOBAL_BOUNDED(max_threads, min_blocks) static __global__ void __launch_bounds__(max_threads, min_blocks)
#define KST_DEVICE static __device__ inline
#define KST_HOST_DEVICE static __host__ __device__ inline
#define KST_RESTRICT __restrict__
#define KST_DIM3(x, y, z) dim3((x), (y), (z))
#if defined(KST_BACKEND_HIP)
#define KST_WARP_SIZE 64
#else
#define KST_WARP_SIZE 32
#endif
/* Dynamic shared memory: one block-wide buffer sized at launch. */
#define KST_DYNAMIC_SHARED(type, name) extern __shared__ type name[]

/* Launches kernel on a kst_stream; check with kst_launch_check(#kernel). */
#define KST_LAUNCH(kernel, grid, block, shmem, stream, ...) \
  kernel<<<(grid), (block), (shmem), (cudaStream_t)kst_stream_native(stream)>>>(__VA_ARGS__)

KST_DEVICE uint32_t kst_atomic_add_u32(uint32_t *p, uint32_t v) { return atomicAdd((unsigned *)p, (unsigned)v); }
KST_DEVICE int32_t kst_atomic_add_i32(int32_t *p, int32_t v) { return atomicAdd((int *)p, (int)v); }
KST_DEVICE uint32_t kst_atomic_min_u32(uint32_t *p, uint32_t v) { return atomicMin((unsigned *)p, (unsigned)v); }
KST_DEVICE uint32_t kst_atomic_max_u32(uint32_t *p, uint32_t v) { return atomicMax((unsigned *)p, (unsigned)v); }
KST_DEVICE int32_t kst_atomic_min_i32(int32_t *p, int32_t v) { return atomicMin((int *)p, (int)v); }
KST_DEVICE int32_t kst_atomic_max_i32(int32_t *p, int32_t v) { return atomicMax((int *)p, (int)v); }
KST_DEVICE uint32_t kst_atomic_or_u32(uint32_t *p, uint32_t v) { return atomicOr((unsigned *)p, (unsigned)v); }
KST_DEVICE uint32_t kst_atomic_cas_u32(uint32_t *p, uint32_t expected, uint32_t desired) {
  return atomicCAS((unsigned *)p, (unsigned)expected, (unsigned)desired);
}
KST_DEVICE uint64_t kst_atomic_min_u64(uint64_t *p, uint64_t v) {
  return atomicMin((unsigned long long *)p, (unsigned long long)v);
}
#define kst_syncthreads() __syncthreads()

/* Warp-cooperative code: a warp's lanes vote, count and exchange values. A lane mask holds 64 lanes (HIP's wave). */
typedef uint64_t kst_lanemask;
/* This thread's lane in its warp. */
KST_DEVICE uint32_t kst_lane(void) { return threadIdx.x % KST_WARP_SIZE; }
#if defined(KST_BACKEND_HIP)
/* The lanes of the warp whose predicate is true. */
KST_DEVICE kst_lanemask kst_ballot(int p) { return (kst_lanemask)__ballot(p); }
/* Value v of lane src. */
KST_DEVICE uint32_t kst_shfl_u32(uint32_t v, uint32_t src) { return (uint32_t)__shfl((int)v, (int)src); }
/* Value v of lane (this lane xor m). */
KST_DEVICE uint32_t kst_shfl_xor_u32(uint32_t v, uint32_t m) { return (uint32_t)__shfl_xor((int)v, (int)m); }
/* A wave runs in lockstep: nothing to wait for. */
#define kst_syncwarp() ((void)0)
#else
KST_DEVICE kst_lanemask kst_ballot(int p) { return (kst_lanemask)__ballot_sync(0xFFFFFFFFu, p); }
KST_DEVICE uint32_t kst_shfl_u32(uint32_t v, uint32_t src) { return __shfl_sync(0xFFFFFFFFu, v, (int)src); }
KST_DEVICE uint32_t kst_shfl_xor_u32(uint32_t v, uint32_t m) { return __shfl_xor_sync(0xFFFFFFFFu, v, (int)m); }
/* Makes the warp's shared-memory writes visible to its other lanes (lanes may diverge since Volta). */
#define kst_syncwarp() __syncwarp()
#endif
/* Value v of lane (this lane - d); a lane below d keeps its own. */
KST_DEVICE uint32_t kst_shfl_up_u32(uint32_t v, uint32_t d) {
#if defined(KST_BACKEND_HIP)
  return (uint32_t)__shfl_up((int)v, d);
#else
  return __shfl_up_sync(0xFFFFFFFFu, v, d);
#endif
}
/* Value v of lane (this lane + d); a lane past the warp's end keeps its own. */
KST_DEVICE float kst_shfl_down_f32(float v, uint32_t d) {
#if defined(KST_BACKEND_HIP)
  return __shfl_down(v, d);
#else
  return __shfl_down_sync(0xFFFFFFFFu, v, d);
#endif
}
/* Index of the lowest set bit of a non-zero x. */
KST_DEVICE uint32_t kst_ctz_u32(uint32_t x) { return (uint32_t)__ffs((int)x) - 1u; }
/* Number of lanes in mask m. */
KST_DEVICE uint32_t kst_popc(kst_lanemask m) { return (uint32_t)__popcll((unsigned long long)m); }
/* The lowest lane in a non-empty mask m. */
KST_DEVICE uint32_t kst_first_lane(kst_lanemask m) { return (uint32_t)__ffsll((long long)m) - 1u; }
/* The lanes below this one, for a lane's rank among the voters. */
KST_DEVICE kst_lanemask kst_lanes_below(void) { return (((kst_lanemask)1) << kst_lane()) - 1u; }
/* The smallest v over the warp, in every lane. */
KST_DEVICE uint64_t kst_warp_min_u64(uint64_t v) {
  for (uint32_t m = KST_WARP_SIZE / 2; m > 0; m >>= 1) {
    const uint64_t o = ((uint64_t)kst_shfl_xor_u32((uint32_t)(v >> 32), m) << 32) | kst_shfl_xor_u32((uint32_t)v, m);
    v = o < v ? o : v;
  }
  return v;
}

#else
/* ---------------------------------------------------------------- CPU (C11) */
/* A launch is a loop over blocks on the calling host thread, one thread per block. Kernels that loop
   over threadIdx.x with stride blockDim.x therefore do all of a block's work in its single thread.
   Every worker has its own thread, so block indices and __shared__ data are thread-local. */
#define KST_GPU 0
#define KST_EXTERN_C
#define KST_GLOBAL static void
#define KST_GLOBAL_BOUNDED(max_threads, min_blocks) static void
/* As gcc does for static inline, clang stays quiet about helpers only the warp-wide variant of a kernel calls. */
#define KST_DEVICE static inline __attribute__((unused))
#define KST_HOST_DEVICE static inline
#define KST_RESTRICT restrict
#define KST_WARP_SIZE 1
#define __shared__ static KST_CPU_TLS
#define __device__
#define __host__

typedef struct kst_dim3 {
  unsigned x, y, z;
} kst_dim3;
#define KST_DIM3(x, y, z) ((kst_dim3){(unsigned)(x), (unsigned)(y), (unsigned)(z)})

/* The kernels' thread-local state lives in the executable, so it takes the local-exec model: gcc 12 with -march=native
   on AVX-512 machines emits vector loads through the initial-exec model's GOT slot that the linker cannot relax. */
#define KST_CPU_TLS _Thread_local __attribute__((tls_model("local-exec")))
extern KST_CPU_TLS kst_dim3 kst_cpu_block_idx;
extern KST_CPU_TLS kst_dim3 kst_cpu_grid_dim;
extern KST_CPU_TLS void *kst_cpu_dynamic_shared;
extern KST_CPU_TLS const char *kst_cpu_launch_error; /* set when a launch could not run; read by kst_launch_check */
static const kst_dim3 kst_cpu_thread_idx = {0, 0, 0};
static const kst_dim3 kst_cpu_block_dim = {1, 1, 1};
#define blockIdx kst_cpu_block_idx
#define gridDim kst_cpu_grid_dim
#define threadIdx kst_cpu_thread_idx
#define blockDim kst_cpu_block_dim

/* Grows this thread's dynamic shared buffer to at least bytes; returns 0 when out of memory. */
int kst_cpu_reserve_shared(unsigned long bytes);
#define KST_DYNAMIC_SHARED(type, name) type *name = (type *)kst_cpu_dynamic_shared

/* The block (and grid) arguments are accepted for symmetry; the CPU runs each block with one thread. */
#define KST_LAUNCH(kernel, grid, block, shmem, stream, ...)                       \
  do {                                                                            \
    kst_dim3 kst__g = (grid);                                                     \
    (void)(block);                                                                \
    (void)(stream);                                                               \
    if (!kst_cpu_reserve_shared((unsigned long)(shmem))) {                        \
      kst_cpu_launch_error = "out of memory for dynamic shared memory";          \
      break;                                                                      \
    }                                                                             \
    kst_cpu_grid_dim = kst__g;                                                    \
    for (unsigned kst__z = 0; kst__z < kst__g.z; ++kst__z)                        \
      for (unsigned kst__y = 0; kst__y < kst__g.y; ++kst__y)                      \
        for (unsigned kst__x = 0; kst__x < kst__g.x; ++kst__x) {                  \
          kst_cpu_block_idx = KST_DIM3(kst__x, kst__y, kst__z);                   \
          kernel(__VA_ARGS__);                                                    \
        }                                                                         \
  } while (0)

/* One thread per block and one host thread per launch: plain read-modify-write is atomic here. */
static inline uint32_t kst_atomic_add_u32(uint32_t *p, uint32_t v) { uint32_t o = *p; *p = o + v; return o; }
static inline int32_t kst_atomic_add_i32(int32_t *p, int32_t v) { int32_t o = *p; *p = o + v; return o; }
static inline uint32_t kst_atomic_min_u32(uint32_t *p, uint32_t v) { uint32_t o = *p; if (v < o) *p = v; return o; }
static inline uint32_t kst_atomic_max_u32(uint32_t *p, uint32_t v) { uint32_t o = *p; if (v > o) *p = v; return o; }
static inline int32_t kst_atomic_min_i32(int32_t *p, int32_t v) { int32_t o = *p; if (v < o) *p = v; return o; }
static inline int32_t kst_atomic_max_i32(int32_t *p, int32_t v) { int32_t o = *p; if (v > o) *p = v; return o; }
static inline uint32_t kst_atomic_or_u32(uint32_t *p, uint32_t v) { uint32_t o = *p; *p = o | v; return o; }
static inline uint32_t kst_atomic_cas_u32(uint32_t *p, uint32_t expected, uint32_t desired) {
  uint32_t o = *p;
  if (o == expected) *p = desired;
  return o;
}
static inline uint64_t kst_atomic_min_u64(uint64_t *p, uint64_t v) { uint64_t o = *p; if (v < o) *p = v; return o; }
/* With one thread per block every barrier is already satisfied. */
#define kst_syncthreads() ((void)0)

/* A warp of one lane: votes, counts and exchanges are the lane's own values. */
typedef uint64_t kst_lanemask;
static inline uint32_t kst_lane(void) { return 0; }
static inline kst_lanemask kst_ballot(int p) { return p != 0; }
static inline uint32_t kst_shfl_u32(uint32_t v, uint32_t src) { (void)src; return v; }
static inline uint32_t kst_shfl_up_u32(uint32_t v, uint32_t d) { (void)d; return v; }
static inline uint32_t kst_popc(kst_lanemask m) { return (uint32_t)m; }
static inline uint32_t kst_first_lane(kst_lanemask m) { (void)m; return 0; }
static inline kst_lanemask kst_lanes_below(void) { return 0; }
static inline uint64_t kst_warp_min_u64(uint64_t v) { return v; }
static inline float kst_shfl_down_f32(float v, uint32_t d) { (void)d; return v; }
static inline uint32_t kst_ctz_u32(uint32_t x) { return (uint32_t)__builtin_ctz(x); }
#define kst_syncwarp() ((void)0)
#endif

/* The default of every kernel's CPU-path switch (KST_<ALGORITHM>_CPU_PATH, docs/kernels.md): on in the CPU build, off
   on a GPU. -DKST_CPU_PATHS=0 turns them all off in a CPU build, which then runs the GPU's code as a warp of one. */
#ifndef KST_CPU_PATHS
#define KST_CPU_PATHS 1
#endif
#define KST_CPU_PATH_DEFAULT (!KST_GPU && KST_CPU_PATHS)

/* Number of blocks of size block needed to cover n items (at least one). */
#define KST_BLOCKS(n, block) ((unsigned)(((n) + (block)-1) / (block)) ? (unsigned)(((n) + (block)-1) / (block)) : 1u)

#endif
