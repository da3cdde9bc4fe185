"""Running the office engine, poppler and Tesseract on untrusted files: a child process with a wall-clock
timeout, CPU-time, memory and file-size limits, its own empty home and temporary directory, no network
(a new network namespace when the system allows one; LibreOffice would otherwise fetch a document's linked
images), and the whole process group killed when the time is up."""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    seconds: int  # wall clock
    cpu_seconds: int
    memory_mb: int  # address space
    output_mb: int = 200  # largest file the child may write


CONVERT = Limits(seconds=90, cpu_seconds=60, memory_mb=2048)
PDF_TEXT = Limits(seconds=30, cpu_seconds=20, memory_mb=512)
RENDER = Limits(seconds=60, cpu_seconds=45, memory_mb=1024)
OCR = Limits(seconds=120, cpu_seconds=100, memory_mb=1024)


class ToolMissing(RuntimeError):
    """A converter this machine lacks (make setup installs them; docs/deploy.md for a server)."""


def _apply_limits(limits: Limits):
    def preexec():
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
        memory = limits.memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        output = limits.output_mb * MB
        resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return preexec


@functools.cache
def _network_isolation() -> list[str]:
    """`unshare --net` (as root, or in a user namespace) when it works here, else nothing: then the deployment
    keeps the worker's host from reaching anything it should not (docs/deploy.md)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    for prefix in ([unshare, "--net"], [unshare, "--net", "--map-root-user"]):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=5).returncode == 0:
                return prefix
        except (OSError, subprocess.SubprocessError):
            continue
    return []


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ToolMissing(name)
    return path


def run(args: list[str], *, limits: Limits, workdir: Path, stdin: bytes | None = None) -> bytes:
    """Run a converter on files in workdir; its standard output, or ValidationError when it fails or overruns."""
    home = workdir / "home"
    home.mkdir(exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "TMPDIR": str(home), "LANG": "C.UTF-8",
           "LC_ALL": "C.UTF-8", "OMP_THREAD_LIMIT": "1", "SAL_USE_VCLPLUGIN": "svp"}
    process = subprocess.Popen(
        [*_network_isolation(), *args], cwd=workdir, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, start_new_session=True, preexec_fn=_apply_limits(limits),
    )
    try:
        output, _unused = process.communicate(stdin, timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise ValidationError(_("The file took too long to read and was refused."), code="timeout") from None
    finally:
        _kill(process)
    if process.returncode != 0:
        raise ValidationError(_("The file is damaged and cannot be opened."), code="damaged")
    return output


def _kill(process: subprocess.Popen) -> None:
    """End the child's whole group (LibreOffice starts soffice.bin under its launcher)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def workdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="mingshi-convert-")


def libreoffice(source: Path, target_format: str, *, outdir: Path) -> Path:
    """Convert with LibreOffice headless, with a profile directory of its own (two conversions at once never
    share one), and return the converted file."""
    profile = source.parent / "profile"
    run([tool("soffice"), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nologo",
         "--nodefault", "--nolockcheck", "--convert-to", target_format, "--outdir", str(outdir), str(source)],
        limits=CONVERT, workdir=source.parent)
    extension = target_format.split(":", 1)[0]
    converted = outdir / f"{source.stem}.{extension}"
    if not converted.exists():
        raise ValidationError(_("The file is damaged and cannot be opened."), code="damaged")
    return converted
