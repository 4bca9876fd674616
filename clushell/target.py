"""What clush works on: a CIB file (sandbox), the local live cluster, or a remote host.

Selection order: --host → remote; --cib-file / $CIB_file → that file; a local cluster
that answers → live; otherwise the embedded sandbox CIB in the XDG data directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from clushell import paths
from clushell.errors import ClushError, TransportError
from clushell.pacemaker.cibsocket import cib_sockets
from clushell.transport.base import Result
from clushell.transport.local import DEFAULT_TIMEOUT, LocalRunner
from clushell.transport.prefetch import Prefetch

# Used when Pacemaker's tools are not installed: the smallest valid CIB.
MINIMAL_CIB = """<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config/>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


@dataclass
class Target:
    kind: str  # "sandbox" | "live" | "remote" | "shadow"
    cib_file: str | None = None
    host: str | None = None
    node: str = ""
    notice: str = ""  # one line to tell the user how the target was chosen
    shadow: str | None = None  # name of the shadow CIB in use (kind "shadow")
    candidates: tuple[str, ...] = ()  # configured cluster nodes to try in turn (kind "remote")
    env: dict[str, str] = field(default_factory=dict)

    def label(self) -> str:
        if self.kind == "remote":
            return f"{self.host}/{self.node or (self.host or '').split('@')[-1].split(':')[0]}"
        if self.kind == "shadow":
            return f"{self.shadow}/{self.node}"
        return f"{self.kind}/{self.node}"

    @property
    def is_file(self) -> bool:
        return self.cib_file is not None


def local_cluster_answers() -> bool:
    """True when the local CIB manager's IPC socket exists (cheap; never blocks)."""
    return cib_sockets() is not None


def local_node_name() -> str:
    """This node's cluster name, falling back to the host name."""
    from clushell import readahead

    pre = readahead.take_node()
    try:
        if pre is not None and dict(os.environ) == pre.environ:  # started with the CIB read
            res = pre.result(5)
            if res.ok and res.out.strip():
                return res.out.strip()
            return os.uname().nodename
        if pre is not None:
            pre.discard()
        out = subprocess.run(["crm_node", "-n"], capture_output=True, text=True, timeout=5, check=False)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.TimeoutExpired, TransportError):
        pass
    return os.uname().nodename


def sandbox_path() -> Path:
    return Path(paths.sandbox_file())


def create_sandbox(path: Path, *, demo: bool = False) -> None:
    """Write a fresh sandbox CIB: the demo cluster, an empty cibadmin CIB, or a minimal one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = None
    if demo:
        from clushell.sandbox import demo_cib

        text = demo_cib()
    elif shutil.which("cibadmin"):
        res = subprocess.run(["cibadmin", "--empty"], capture_output=True, text=True, check=False)
        if res.returncode == 0:
            text = res.stdout
    from clushell.pacemaker import filetxn

    def no_fencing(tmp: str) -> None:
        if not demo and text is not None and shutil.which("crm_attribute"):
            # a playground without fencing devices: without this, the first commit of a resource is
            # refused by crm_verify ("Resource start-up disabled since no STONITH resources")
            subprocess.run(["crm_attribute", "-t", "crm_config", "-n", "stonith-enabled", "-v", "false"],
                           env={**os.environ, "CIB_file": tmp}, capture_output=True, check=False)

    # locked and renamed into place: a concurrent clush never sees (or commits to) a half-made sandbox
    filetxn.write_atomic(str(path), (text or MINIMAL_CIB).encode(), then=no_fencing)


def resolve(host: str | None, cib_file: str | None, *, demo: bool = False, recreate: bool = False,
            nodes: tuple[str, ...] = ()) -> Target:
    env_file = os.environ.get("CIB_file")
    # an empty path is a mistake (an unset shell variable), never "use the live cluster"
    if cib_file is not None and not cib_file.strip():
        raise ClushError("--cib-file: the path is empty")
    if env_file is not None and not env_file.strip() and cib_file is None and not host:
        raise ClushError("CIB_file is set but empty: give it a path, or unset it to use the cluster")
    if host:
        return Target("remote", cib_file=cib_file, host=host, env={"CIB_file": cib_file} if cib_file else {})
    file = cib_file or env_file
    if file and not demo:
        path = Path(file).absolute()
        if not path.exists():
            raise ClushError(f"CIB file {file} does not exist (create one with 'cibadmin --empty > {file}')")
        return Target("sandbox", cib_file=str(path), node=os.uname().nodename, env={"CIB_file": str(path)})
    if not demo and local_cluster_answers():
        return Target("live", node=local_node_name())
    if not demo and nodes:
        # an admin workstation: reach the cluster through the configured nodes (cluster.nodes)
        return Target("remote", host=nodes[0], candidates=tuple(nodes),
                      notice=f"no local cluster; using the configured cluster nodes {' '.join(nodes)}")
    path = paths.data_dir() / ("demo.xml" if demo else paths.SANDBOX_NAME)
    if recreate or not path.exists():
        create_sandbox(path, demo=demo)
    what = "demo sandbox" if demo else "no cluster answers here; using the sandbox CIB"
    return Target("sandbox", cib_file=str(path), node=os.uname().nodename,
                  notice=f"{what} {path}", env={"CIB_file": str(path)})


# -- the CIB read started at process start (clushell.readahead) ---------------------------
class PrefetchedRunner(LocalRunner):
    """The live target's LocalRunner whose first calls may be answered by the prefetches: each
    call that is exactly one of them takes it; the first call that is none drops them all."""

    def __init__(self, base_env: Mapping[str, str] | None, prefetches: list[Prefetch]):
        super().__init__(base_env)
        self._prefetches = prefetches

    def run(self, argv: Sequence[str], *, stdin: bytes | str | None = None,
            env: Mapping[str, str] | None = None, timeout: float | None = None) -> Result:
        for pre in self._prefetches:
            if pre.matches(argv, self.base_env, stdin, env):
                self._prefetches.remove(pre)
                return pre.result(timeout or DEFAULT_TIMEOUT)
        self._drop()
        return super().run(argv, stdin=stdin, env=env, timeout=timeout)

    def _drop(self) -> None:
        pres, self._prefetches = self._prefetches, []
        for pre in pres:
            pre.discard()

    def close(self) -> None:
        self._drop()
        super().close()


def local_runner(env: Mapping[str, str]) -> LocalRunner:
    """The runner for a local target: it takes the pending prefetch if there is one."""
    from clushell import readahead

    pres = readahead.take_reads()
    if not pres:
        return LocalRunner(env)
    if env:  # not the live cluster: the prefetch is not for this target
        for pre in pres:
            pre.discard()
        return LocalRunner(env)
    return PrefetchedRunner(env, pres)
