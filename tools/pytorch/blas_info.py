#!/usr/bin/env python3
"""Says which BLAS PyTorch multiplies with here, and with how many threads.

    /usr/bin/python3 tools/pytorch/blas_info.py

Debian's python3-torch calls whatever libblas.so.3 the alternatives system
selects: on a fresh machine the reference BLAS (plain loops, several times
slower), with libopenblas0-pthread installed OpenBLAS. A pip wheel bundles its
own (MKL on x86). cmd/rnnbench runs this first and refuses to compare against
the reference BLAS unless told to. Prints "key value" lines:

    torch 1.13.0a0
    numpy 1.24.2
    blas_kind openblas            openblas | mkl | blis | reference | unknown
    blas_library /usr/lib/.../libopenblasp-r0.3.21.so
    blas_threads 1                threads the BLAS runs with after torch.set_num_threads(1)
    torch_threads 1
    cuda none                     the CUDA version torch was built for ("none": a CPU-only build)
    cuda_device none              the name of the first CUDA device torch sees ("none": none)
"""
import os
import re

import numpy
import torch

torch.set_num_threads(1)  # as every benchmark script does
a = torch.randn(64, 64)
(a @ a).sum().item()  # the BLAS is loaded and used

libs = []
with open("/proc/self/maps") as maps:
    for line in maps:
        path = line.split()[-1] if "/" in line else ""
        name = os.path.basename(path).lower()
        if path and re.search(r"blas|mkl|blis", name):
            real = os.path.realpath(path)
            if real not in libs:
                libs.append(real)

# Debian's torch calls libblas.so.3: the file it resolves to says which BLAS
# that is (the alternatives system points it at the reference BLAS in .../blas/
# or at OpenBLAS's copy in .../openblas-pthread/). NumPy's LAPACK may load
# OpenBLAS beside it, so a loaded OpenBLAS alone proves nothing.
kind, library, threads = "unknown", "", ""
for lib in libs:
    base = os.path.basename(lib)
    if base.startswith("libblas.so"):
        library = lib
        if "openblas" in lib:
            kind = "openblas"
        elif "/blas/" in lib:
            kind = "reference"  # Debian's netlib reference BLAS
        elif "blis" in lib:
            kind = "blis"
        elif "mkl" in lib:
            kind = "mkl"
        break
if not library:  # a pip wheel: its BLAS is bundled (MKL or OpenBLAS)
    if torch.backends.mkl.is_available():
        kind, library = "mkl", "bundled in torch"
    elif any("openblas" in os.path.basename(lib) for lib in libs):
        kind, library = "openblas", next(lib for lib in libs if "openblas" in os.path.basename(lib))
try:
    import threadpoolctl

    for info in threadpoolctl.threadpool_info():
        if info.get("user_api") == "blas" and info.get("internal_api") == kind:
            threads = info.get("num_threads", "")
            break
except ImportError:
    pass
if kind == "reference":
    threads = 1  # the reference BLAS has no threads
print("torch", torch.__version__)
print("numpy", numpy.__version__)
print("blas_kind", kind)
print("blas_library", library or (libs[0] if libs else "none found"))
print("blas_threads", threads if threads != "" else "unknown")
print("torch_threads", torch.get_num_threads())
print("cuda", torch.version.cuda or "none")
print("cuda_device", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")
