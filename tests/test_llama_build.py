"""llama.cpp is compiled for the CPU's own vector extensions (read from its flags), never for AMX
tiles, and the library the coach runs is that build."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import llama_cpp
import pytest

from coach.settings import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "llama-cmake-args.sh"
# Flags as /proc/cpuinfo lists them on a CPU with AVX-512, VNNI and AMX (this machine's).
AVX512_AMX = (
    "fpu sse2 avx f16c fma bmi2 avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512vbmi "
    "avx512_vnni avx512_bf16 avx_vnni amx_tile amx_int8 amx_bf16"
)


def cmake_args(tmp_path, flags: str | None, cmake_args: str = "") -> list[str]:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\n" + (f"flags\t\t: {flags}\n" if flags is not None else ""))
    env = {**os.environ, "CPUINFO": str(cpuinfo), "CMAKE_ARGS": cmake_args}
    out = subprocess.run([SCRIPT], env=env, capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_a_cpu_with_avx512_gets_it_and_never_amx(tmp_path):
    assert cmake_args(tmp_path, AVX512_AMX) == [
        "-DGGML_NATIVE=OFF", "-DGGML_AVX=ON", "-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_F16C=ON",
        "-DGGML_AVX_VNNI=ON", "-DGGML_AVX512=ON", "-DGGML_AVX512_VBMI=ON", "-DGGML_AVX512_VNNI=ON",
        "-DGGML_AVX512_BF16=ON",
    ]  # fmt: skip


def test_a_cpu_with_avx2_only_gets_avx2_an_older_one_none_of_it(tmp_path):
    assert cmake_args(tmp_path, "fpu sse2 avx f16c fma avx2 bmi2") == [
        "-DGGML_NATIVE=OFF", "-DGGML_AVX=ON", "-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_F16C=ON",
    ]  # fmt: skip
    assert cmake_args(tmp_path, "fpu sse2 avx f16c fma avx2")[-1] == "-DGGML_BMI2=OFF"
    # avx512f alone is not enough for ggml's AVX-512 code; an ARM CPU lists no x86 flags.
    assert "-DGGML_AVX512=ON" not in cmake_args(tmp_path, "avx f16c fma avx2 avx512f")
    assert cmake_args(tmp_path, "fpu sse2 avx") == [
        "-DGGML_NATIVE=OFF", "-DGGML_AVX=OFF", "-DGGML_AVX2=OFF", "-DGGML_FMA=OFF", "-DGGML_F16C=OFF",
        "-DGGML_BMI2=OFF", "-DGGML_SSE42=OFF",
    ]  # fmt: skip
    assert cmake_args(tmp_path, None) == ["-DGGML_NATIVE=OFF"]  # not x86: ggml's own defaults


def test_cmake_args_set_by_the_user_win(tmp_path):
    assert cmake_args(tmp_path, AVX512_AMX, "-DGGML_NATIVE=ON -DGGML_BLAS=ON") == [
        "-DGGML_NATIVE=ON",
        "-DGGML_BLAS=ON",
    ]


def test_the_installed_llama_cpp_is_the_build_for_this_cpu():
    info = llama_cpp.llama_print_system_info().decode()
    assert "AMX" not in info  # a tile instruction would crash where the kernel doesn't enable them
    cpuinfo = Path("/proc/cpuinfo").read_text()
    listed = [line for line in cpuinfo.splitlines() if line.startswith("flags")]
    flags = set(listed[0].split(":")[1].split()) if listed else set()
    if "avx2" not in flags:
        pytest.skip("not an x86 CPU with AVX2: the build's options are the portable ones")
    assert "AVX2 = 1" in info
    if {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= flags:
        assert "AVX512 = 1" in info
