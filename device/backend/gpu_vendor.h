/* Maps the few CUDA runtime names Kestrel uses onto HIP, so GPU sources are written once. */
#ifndef KST_GPU_VENDOR_H
#define KST_GPU_VENDOR_H

#if defined(KST_BACKEND_HIP)
#include <hip/hip_runtime.h>
#define cudaError_t hipError_t
#define cudaSuccess hipSuccess
#define cudaStream_t hipStream_t
#define cudaEvent_t hipEvent_t
#define cudaDeviceProp hipDeviceProp_t
#define cudaSetDevice hipSetDevice
#define cudaGetDevice hipGetDevice
#define cudaGetDeviceProperties hipGetDeviceProperties
#define cudaGetErrorString hipGetErrorString
#define cudaGetErrorName hipGetErrorName
#define cudaGetLastError hipGetLastError
#define cudaMalloc hipMalloc
#define cudaFree hipFree
#define cudaMallocHost hipHostMalloc
#define cudaFreeHost hipHostFree
#define cudaMemcpyAsync hipMemcpyAsync
#define cudaMemsetAsync hipMemsetAsync
#define cudaMemcpyHostToDevice hipMemcpyHostToDevice
#define cudaMemcpyDeviceToHost hipMemcpyDeviceToHost
#define cudaMemcpyDeviceToDevice hipMemcpyDeviceToDevice
#define cudaStreamCreateWithFlags hipStreamCreateWithFlags
#define cudaStreamNonBlocking hipStreamNonBlocking
#define cudaStreamDestroy hipStreamDestroy
#define cudaStreamSynchronize hipStreamSynchronize
#define cudaStreamWaitEvent hipStreamWaitEvent
#define cudaEventCreate hipEventCreate
#define cudaEventDestroy hipEventDestroy
#define cudaEventRecord hipEventRecord
#define cudaEventSynchronize hipEventSynchronize
#define cudaEventElapsedTime hipEventElapsedTime
#define cudaDeviceSynchronize hipDeviceSynchronize
/* Graphs: stream capture and replay. */
#define cudaGraph_t hipGraph_t
#define cudaGraphExec_t hipGraphExec_t
#define cudaStreamBeginCapture hipStreamBeginCapture
#define cudaStreamEndCapture hipStreamEndCapture
#define cudaStreamIsCapturing hipStreamIsCapturing
#define cudaStreamCaptureStatus hipStreamCaptureStatus
#define cudaStreamCaptureStatusNone hipStreamCaptureStatusNone
#define cudaStreamCaptureModeThreadLocal hipStreamCaptureModeThreadLocal
#define cudaGraphInstantiateWithFlags hipGraphInstantiateWithFlags
#define cudaGraphLaunch hipGraphLaunch
#define cudaGraphDestroy hipGraphDestroy
#define cudaGraphExecDestroy hipGraphExecDestroy
#else
#include <cuda_runtime.h>
#endif

/* Updates an executable graph in place from a graph of the same topology; cudaSuccess when it did. A name map
   cannot cover this one: CUDA 12 replaced the two result arguments, which HIP kept, by one result struct. */
static inline cudaError_t kst_gpu_graph_exec_update(cudaGraphExec_t exec, cudaGraph_t graph) {
#if defined(KST_BACKEND_HIP)
  hipGraphNode_t error_node = NULL;
  hipGraphExecUpdateResult result;
  return hipGraphExecUpdate(exec, graph, &error_node, &result);
#elif CUDART_VERSION >= 12000
  cudaGraphExecUpdateResultInfo info;
  return cudaGraphExecUpdate(exec, graph, &info);
#else
  cudaGraphNode_t error_node = NULL;
  cudaGraphExecUpdateResult result;
  return cudaGraphExecUpdate(exec, graph, &error_node, &result);
#endif
}

#endif
