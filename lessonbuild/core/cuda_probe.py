"""Is there a CUDA GPU to run on, and if not, why: the one probe that noxfile.py and
lessonbuild/gpu.py use.

`gpu_missing` needs only the standard library, so nox can ask before it installs torch;
`cuda_problem` asks the installed torch as well.
"""

import os
import shutil
import subprocess


def gpu_missing() -> str | None:
    """Why no CUDA GPU is visible, or None if one is. Needs no torch, so it runs first."""
    if os.environ.get("CUDA_VISIBLE_DEVICES", "unset").strip() in ("", "-1"):
        return "CUDA_VISIBLE_DEVICES hides every GPU"
    nvidia_smi = shutil.which("nvidia-smi")
    if nvidia_smi is None:
        return "nvidia-smi is not on PATH, so no NVIDIA driver is installed"
    listing = subprocess.run([nvidia_smi, "-L"], capture_output=True, text=True)
    if listing.returncode != 0 or "GPU" not in listing.stdout:
        return f"nvidia-smi -L lists no GPU ({(listing.stderr or listing.stdout).strip()})"
    return None


def cuda_problem() -> str | None:
    """Why this Python's torch cannot use CUDA, or None when it can."""
    try:
        import torch
    except ImportError as error:
        return f"torch does not import ({error}); install a CUDA build of torch"
    if not torch.cuda.is_available():
        why = gpu_missing() or "it sees no CUDA device"
        build = (
            "a CPU-only build"
            if torch.version.cuda is None
            else f"built for CUDA {torch.version.cuda}"
        )
        return f"torch {torch.__version__} ({build}): {why}"
    return None
