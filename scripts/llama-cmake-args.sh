#!/usr/bin/env bash
# Prints the CMake options llama.cpp is compiled with on this machine: the vector extensions this
# CPU lists (AVX2, FMA, F16C everywhere; AVX-512 and VNNI where /proc/cpuinfo names them), named
# one by one rather than with -march=native. A native build also uses AMX tile instructions
# wherever the CPU lists them, and crashes on the first answer where the kernel doesn't enable
# them (a virtual machine); none of these options turns AMX on. CMAKE_ARGS, when set, wins;
# CPUINFO names another file to read the flags from.
set -euo pipefail
if [ -n "${CMAKE_ARGS:-}" ]; then
  echo "$CMAKE_ARGS"
  exit 0
fi
args="-DGGML_NATIVE=OFF"
flags=" $(grep -m1 "^flags" "${CPUINFO:-/proc/cpuinfo}" 2>/dev/null | cut -d: -f2 || true) "
has() { for f in "$@"; do [[ "$flags" == *" $f "* ]] || return 1; done; }
if has avx2 fma f16c; then
  args+=" -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
  has bmi2 || args+=" -DGGML_BMI2=OFF"
  has avx_vnni && args+=" -DGGML_AVX_VNNI=ON"
  # ggml's AVX-512 code needs the foundation, byte/word, doubleword/quadword and vector-length parts.
  if has avx512f avx512bw avx512dq avx512vl; then
    args+=" -DGGML_AVX512=ON"
    has avx512vbmi && args+=" -DGGML_AVX512_VBMI=ON"
    has avx512_vnni && args+=" -DGGML_AVX512_VNNI=ON"
    has avx512_bf16 && args+=" -DGGML_AVX512_BF16=ON"
  fi
elif [ -n "${flags// /}" ]; then
  # An x86 CPU without AVX2: ggml would otherwise assume AVX2, FMA, F16C, BMI2 and SSE4.2.
  args+=" -DGGML_AVX=OFF -DGGML_AVX2=OFF -DGGML_FMA=OFF -DGGML_F16C=OFF -DGGML_BMI2=OFF -DGGML_SSE42=OFF"
fi
echo "$args"
