"""Boot user-mode-linux (a real 6.1 kernel with IPVS) with the host filesystem as root.

One boot runs one shell script inside the guest and returns what it wrote. The root
is mounted read-only; /run, /root and /tmp are tmpfs, so the guest never writes to the
host except into the per-boot results directory, mounted at $OUT. Tests batch many
checks into one script because each boot costs about 2-3 s.

Hosts whose CPUs have large XSAVE areas (AVX-512, AMX) make the 6.1 UML binary die at
its first context switch ("ptrace set fp regs failed, errno = 14"): the host kernel
wants the whole XSAVE area on PTRACE_SETREGSET while UML sends its own, smaller one.
A tiny LD_PRELOAD shim (compiled here with gcc) pads those calls to the host's size.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from tests.realenv import unavailable

UML = "/usr/bin/linux.uml"
MODULES = Path("/usr/lib/uml/modules")

INIT = textwrap.dedent(
    """\
    #!/bin/sh
    export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    mount -t proc proc /proc
    mount -t sysfs sys /sys
    mount -t tmpfs tmpfs /run
    # a tmpfs /root keeps guest writes (and the host's ~/.bashrc) away, but the
    # python of the venv may live under /root (pyenv): bind those directories back
    mkdir -p /run/hostroot
    mount --bind /root /run/hostroot
    mount -t tmpfs tmpfs /root
    for d in $KEEP_ROOT; do mkdir -p "/root/$d"; mount --bind "/run/hostroot/$d" "/root/$d"; done
    # likewise a checkout or venv under /tmp (CI may clone there) is bound back into the tmpfs
    mkdir -p /run/hosttmp
    mount --bind /tmp /run/hosttmp
    mount -t tmpfs tmpfs /tmp
    for d in $KEEP_TMP; do mkdir -p "/tmp/$d"; mount --bind "/run/hosttmp/$d" "/tmp/$d"; done
    mkdir -p /run/out
    mount -t hostfs -o "$OUTDIR" hostfs /run/out
    export HOME=/root OUT=/run/out LC_ALL=C PYTHONDONTWRITEBYTECODE=1
    modprobe ip_vs
    modprobe dummy
    ip link set lo up
    ip link add dum0 type dummy
    ip addr add 10.1.1.1/24 dev dum0
    ip link set dum0 up
    echo booted > /run/out/booted
    sh /run/out/case.sh > /run/out/case.out 2>&1
    echo $? > /run/out/case.rc
    sync
    poweroff -f
    """
)

SHIM_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>
#define NT_X86_XSTATE 0x202
typedef long (*ptrace_fn)(int, pid_t, void *, void *);
static char full_buf[65536] __attribute__((aligned(64)));
/* Read the tracee's whole XSAVE area, overlay what UML has, write it back whole. */
long ptrace(enum __ptrace_request req, ...)
{
    static ptrace_fn real;
    va_list ap;
    va_start(ap, req);
    pid_t pid = va_arg(ap, pid_t);
    void *addr = va_arg(ap, void *);
    void *data = va_arg(ap, void *);
    va_end(ap);
    if (!real)
        real = (ptrace_fn)dlsym(RTLD_NEXT, "ptrace");
    if ((req == PTRACE_GETREGSET || req == PTRACE_SETREGSET) && (long)addr == NT_X86_XSTATE) {
        struct iovec *iov = data;
        struct iovec full = {full_buf, sizeof full_buf};
        long r = real(PTRACE_GETREGSET, pid, addr, &full);
        if (r < 0)
            return r;
        size_t n = iov->iov_len < full.iov_len ? iov->iov_len : full.iov_len;
        if (req == PTRACE_GETREGSET) {
            memcpy(iov->iov_base, full_buf, n);
            iov->iov_len = n;
            return 0;
        }
        memcpy(full_buf, iov->iov_base, n);
        return real(PTRACE_SETREGSET, pid, addr, &full);
    }
    return real(req, pid, addr, data);
}
"""


@dataclass
class UmlResult:
    """What one boot produced: the script's rc and output, the console, the results dir."""

    rc: int | None
    out: str
    console: str
    dir: Path
    seconds: float

    def file(self, name: str) -> str:
        path = self.dir / name
        return path.read_text() if path.exists() else ""


def clush_path() -> str:
    """The clush console script of the running venv (visible in the guest: same filesystem)."""
    cand = Path(sys.executable).parent / "clush"
    if cand.exists():
        return str(cand)
    found = shutil.which("clush")
    if not found:
        unavailable("the clush console script is not installed next to this python")
    return str(found)


def _kernel_version() -> str:
    versions = sorted(p.name for p in MODULES.iterdir()) if MODULES.is_dir() else []
    if not versions:
        unavailable(f"no UML modules under {MODULES} (apt-get install user-mode-linux)")
    return versions[-1]


def _ensure_modules_link(version: str) -> None:
    """modprobe in the guest looks under /lib/modules/<version>; link the UML modules there."""
    link = Path("/lib/modules") / version
    if link.exists():
        return
    try:
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(MODULES / version)
    except OSError as exc:
        unavailable(f"cannot create {link} -> {MODULES / version}: {exc.strerror}")


def _shim(cache: Path) -> str | None:
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        return None
    so = cache / "uml-xstate-shim.so"
    if not so.exists():
        src = cache / "uml-xstate-shim.c"
        src.write_text(SHIM_C)
        res = subprocess.run([gcc, "-O2", "-shared", "-fPIC", "-o", str(so), str(src), "-ldl"],
                             capture_output=True, text=True, check=False)
        if res.returncode != 0:
            unavailable(f"cannot build the UML ptrace shim: {res.stderr.strip()[-300:]}")
    return str(so)


def _root_dirs_needed(base: str = "/root") -> list[str]:
    """Top-level directories under ``base`` (/root or /tmp, tmpfs in the guest) that the guest
    needs back: the venv's python (e.g. ~/.pyenv), the venv, and this checkout (a CI clone
    may live under /root or /tmp)."""
    out = []
    checkout = Path(__file__).resolve().parents[2]
    for p in (os.path.realpath(sys.executable), os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix),
              str(checkout), os.path.realpath(checkout)):
        if p.startswith(base + "/"):
            top = p.split("/")[2]
            if top not in out and " " not in top:
                out.append(top)
    return out


class Uml:
    """Boots UML guests; one instance per test session (see the ``uml`` fixture)."""

    def __init__(self, base: Path):
        if not os.path.exists(UML):
            unavailable(f"{UML} is missing (apt-get install user-mode-linux)")
        for tool in ("/usr/sbin/ipvsadm", "/usr/sbin/ip", "/usr/sbin/modprobe"):
            if not (os.path.exists(tool) or shutil.which(os.path.basename(tool))):
                unavailable(f"{tool} is missing in the guest (the host filesystem)")
        self.base = base
        self.version = _kernel_version()
        _ensure_modules_link(self.version)
        self.shim = _shim(base)
        self.count = 0
        self.clush = clush_path()

    def run(self, script: str, *, name: str = "boot", timeout: float = 240, files: dict[str, str] | None = None
            ) -> UmlResult:
        """Boot, run ``script`` with sh inside the guest ($OUT is the results dir), power off."""
        self.count += 1
        d = self.base / f"{name}-{self.count}"
        d.mkdir(parents=True)
        (d / "init.sh").write_text(INIT)
        (d / "init.sh").chmod(0o755)
        (d / "case.sh").write_text(f"CLUSH={self.clush}\nexport CLUSH\n" + script)
        for fname, text in (files or {}).items():
            (d / fname).write_text(text)
        env = dict(os.environ)
        if self.shim:
            env["LD_PRELOAD"] = self.shim
        env["TMPDIR"] = "/dev/shm" if os.path.isdir("/dev/shm") else str(d)
        umid = f"clush-{os.getpid()}-{self.count}"
        keep = _root_dirs_needed()
        argv = [UML, "mem=384M", "rootfstype=hostfs", "rootflags=/", "ro", f"init={d}/init.sh", "con=null",
                "con0=fd:0,fd:1", f"umid={umid}", f"uml_dir={d}", f"OUTDIR={d}"]
        if keep:
            argv.append(f"KEEP_ROOT={' '.join(keep)}")
        keep_tmp = _root_dirs_needed("/tmp")
        if keep_tmp:
            argv.append(f"KEEP_TMP={' '.join(keep_tmp)}")
        start = time.monotonic()
        with open(d / "console.txt", "wb") as console:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT,
                                    env=env, start_new_session=True)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)  # our own process group only
                proc.wait()
        seconds = time.monotonic() - start
        console_text = (d / "console.txt").read_text(errors="replace")
        rc_text = (d / "case.rc").read_text().strip() if (d / "case.rc").exists() else ""
        out = (d / "case.out").read_text(errors="replace") if (d / "case.out").exists() else ""
        if not (d / "booted").exists():
            tail = [line for line in console_text.splitlines() if line.strip() and not line.startswith(" [")][-5:]
            hint = "" if self.shim else " (no gcc to build the XSAVE ptrace shim: apt-get install gcc libc6-dev)"
            unavailable(f"UML did not boot to the test script ({d}){hint}: {' | '.join(tail)}")
        return UmlResult(int(rc_text) if rc_text.isdigit() else None, out, console_text, d, seconds)
