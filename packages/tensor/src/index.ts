/**
 * @packageDocumentation
 * Tensors, the Backend seam, the CPU backend, ops and a safetensors reader: the foundation every
 * other Transformer Kit package is written against.
 */
export { Tensor, isTensor } from './tensor';
export { setBackend, getBackend, memory } from './engine';
export { CpuBackend, createCpuBackend } from './cpu/cpu-backend';
export type { CpuBackendOptions, EngineStats } from './cpu/cpu-backend';
export type { HeapOptions, HeapStats, HeapAdvisor } from './cpu/heap/heap';
export { allocate, toTypedArray, dtypeOfData, isPackedDType, isWeightDType, weightBlock, weightByteLength, weightDTypeOfGgml } from './dtype';
export { weightTensor } from './ops/weight-tensor';
export { installWeightKernels, requireWeightKernels } from './weights/weight-kernels';
export { sizeOf, stridesOf, broadcastStrides, broadcastShapes, normalizeAxis, shapesEqual, formatShape, assertValidShape } from './shape';

export { tensor, scalar, full, zeros, ones, arange } from './ops/creation';
export { seededRandom, randomUniform, randomNormal } from './ops/random';
export { castTo } from './ops/elementwise';
export { add, sub, mul, div, pow, maximum, minimum } from './ops/arithmetic';
export { equal, notEqual, less, lessEqual, greater, greaterEqual, logicalAnd, logicalOr, logicalNot } from './ops/compare';
export { neg, abs, exp, log, sqrt, rsqrt, tanh, sigmoid, erf, relu, reciprocal, square, sin, cos, floor } from './ops/unary';
export { gelu, silu, swiglu } from './ops/activations';
export { matmul } from './ops/matmul';
export { linear } from './ops/linear';
export { sum, mean, max, min, argmax, logSumExp } from './ops/reduce';
export { softmax, logSoftmax } from './ops/softmax';
export { layerNorm, rmsNorm } from './ops/normalization';
export { gather } from './ops/gather';
export { where, maskedFill } from './ops/where';
export { permute, transpose, slice, split, concat, stack, writeSlice } from './ops/layout';
export { triu, tril } from './ops/triangular';
export { causalMask } from './ops/causal-mask';
export { applyRotary } from './ops/rotary';
export { attend } from './ops/attend';
export { tidy, keep, dispose } from './ops/scope';
export { readSafetensors } from './safetensors/read-safetensors';
export { float16ToFloat32, bfloat16ToFloat32 } from './safetensors/float16';
export { parseSafetensorsHeader, SAFETENSORS_MAX_HEADER_BYTES } from './safetensors/parse-safetensors-header';
export { parseJsonBounded, parseJsonObject, jsonKind } from './parse-json-bounded';
export { readGguf } from './formats/gguf/read-gguf';
export { writeGguf } from './formats/gguf/write-gguf';
export { quantizeQ8_0, floatToHalfBits } from './formats/gguf/quantize-q8-0';
export { quantizeQ4_0 } from './formats/gguf/quantize-q4-0';
export { nonFiniteWeightCount } from './formats/gguf/non-finite-weights';
export { dequantizeGgml, dequantizeGgmlInto } from './formats/gguf/dequantize-ggml';
export { ggmlType, ggmlTypeName, ggmlTypeId, WEIGHT_TYPES } from './formats/gguf/ggml-type';

export type { DType, ComputeDType, WeightDType, TensorData, TypedArrayFor } from './dtype';
export type { HeapLayout, HeapWeightKernels, PackedWeight, WeightKernels } from './weights/weight-kernels';
export type { Shape } from './shape';
export type { MemoryInfo } from './engine';
export type { Backend, DataId, TensorHandle, UnaryOp, BinaryOp, ReduceOp, RotaryLayout, FusedAttentionOptions } from './backend';
export type { TensorLike } from './ops/creation';
export type { RandomOptions } from './ops/random';
export type { Operand } from './ops/elementwise';
export type { GeluApproximation } from './ops/activations';
export type { MatmulOptions } from './ops/matmul';
export type { ReduceOptions } from './ops/reduce';
export type { AttendOptions } from './ops/attend';
export type { CausalMaskOptions } from './ops/causal-mask';
export type { SafetensorsFile, SafetensorsEntry } from './safetensors/read-safetensors';
export type { SafetensorsHeader } from './safetensors/parse-safetensors-header';
export type { JsonBounds } from './parse-json-bounded';
export type { GgufFile, GgufTensorInfo, GgufValue, ReadGgufOptions } from './formats/gguf/read-gguf';
export type { GgmlTypeInfo } from './formats/gguf/ggml-type';
export type { GgufWriteInput, GgufWriteTensor, GgufTypedValue } from './formats/gguf/write-gguf';
