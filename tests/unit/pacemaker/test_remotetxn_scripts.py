"""remotetxn's three shell scripts for real, run by /bin/sh on this machine (no sshd needed).

A runner that runs locally but says it is remote gets the remote transaction; the CIB file has
a hostile name; the lock is the one filetxn takes, from another open file (as another process).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest

from clushell.errors import ClushError
from clushell.pacemaker import filetxn, remotetxn
from clushell.pacemaker.cibadmin import CommitInterrupted
from clushell.transport.local import LocalRunner
from tests.realenv import require


class LoopRunner(LocalRunner):
    """Local processes, remote rules (as if over SSH)."""

    where = "root@loop"

    def __init__(self, cib: str, interrupt_finish: str = ""):
        super().__init__({"CIB_file": cib})
        self.interrupt_finish = interrupt_finish  # "before" / "after": Ctrl-C around the final step

    def run(self, argv, **kw):
        if list(argv[:3]) == ["sh", "-c", remotetxn.FINISH] and self.interrupt_finish:
            if self.interrupt_finish == "after":
                super().run(argv, **kw)
            raise KeyboardInterrupt
        return super().run(argv, **kw)


@pytest.fixture
def cib(tmp_path) -> str:
    require("cibadmin", "crm_attribute", "flock")
    d = tmp_path / "d i r"
    d.mkdir()
    path = d / "$(touch pwned) 'q'.xml"
    with open(path, "w") as f:
        subprocess.run(["cibadmin", "--empty"], stdout=f, check=True)
    return str(path)


def prop(runner_or_path, name: str, value: str | None = None) -> str:
    """Set (or read) a cluster property through crm_attribute on a CIB file."""
    if isinstance(runner_or_path, str):
        env = {**os.environ, "CIB_file": runner_or_path}
        argv = ["crm_attribute", "-t", "crm_config", "-n", name] + (["-v", value] if value else ["-q", "-G"])
        return subprocess.run(argv, env=env, capture_output=True, text=True).stdout.strip()
    argv = ["crm_attribute", "-t", "crm_config", "-n", name, "-v", value]
    assert runner_or_path.run(argv).rc == 0


def others(path: str) -> list[str]:
    """Files beside the CIB file besides itself and its lock."""
    d = os.path.dirname(path)
    keep = {os.path.basename(path), os.path.basename(filetxn.lock_path(path))}
    return sorted(set(os.listdir(d)) - keep)


def test_commit_on_a_copy_renamed_over_under_the_local_lock_name(cib):
    r = LoopRunner(cib)
    inode = os.stat(cib).st_ino
    with filetxn.transaction(r, None) as txn:
        assert os.path.dirname(txn.copy) == os.path.dirname(cib) and r.base_env["CIB_file"] == txn.copy
        prop(r, "remote-test", "one")
        assert prop(cib, "remote-test") == ""  # the original is untouched until the end
    assert txn.applied and prop(cib, "remote-test") == "one" and os.stat(cib).st_ino != inode
    assert others(cib) == [] and os.path.exists(filetxn.lock_path(cib))
    assert not os.path.exists(os.path.join(os.path.dirname(cib), "..", "pwned"))
    assert r.base_env == {"CIB_file": cib}


def test_nothing_changed_installs_nothing(cib):
    r = LoopRunner(cib)
    inode = os.stat(cib).st_ino
    with filetxn.transaction(r, None) as txn:
        r.run(["cibadmin", "--query"])
    assert not txn.applied and os.stat(cib).st_ino == inode and others(cib) == []


def test_a_change_between_copy_and_rename_is_refused_and_kept(cib):
    r = LoopRunner(cib)
    with pytest.raises(ClushError) as err, filetxn.transaction(r, None):
        prop(r, "remote-test", "mine")
        prop(cib, "remote-test", "theirs")  # e.g. cibadmin on the host, meanwhile
    assert err.value.message.startswith(f"commit refused: CIB file {cib} on root@loop was changed by someone else")
    assert prop(cib, "remote-test") == "theirs" and others(cib) == []


def test_a_hand_edit_without_a_new_epoch_is_seen_too(cib):
    r = LoopRunner(cib)
    with pytest.raises(ClushError, match="changed by someone else"), filetxn.transaction(r, None):
        prop(r, "remote-test", "mine")
        with open(cib, "a") as f:
            f.write("<!-- edited -->\n")
    assert others(cib) == []


def test_the_final_step_waits_for_a_local_writer(cib):
    r = LoopRunner(cib)
    held = threading.Event()

    def hold() -> None:
        with filetxn.locked(cib):
            held.set()
            time.sleep(1.5)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    start = time.monotonic()
    with filetxn.transaction(r, None):
        prop(r, "remote-test", "waited")
    assert time.monotonic() - start >= 1.0
    t.join()
    assert prop(cib, "remote-test") == "waited" and others(cib) == []


def test_a_lock_held_too_long_is_reported(cib, monkeypatch):
    monkeypatch.setattr(remotetxn, "LOCK_WAIT", 1.0)
    r = LoopRunner(cib)
    with filetxn.locked(cib), pytest.raises(ClushError, match=r"locked by another writer .* for more than 1 s"):
        with filetxn.transaction(r, None):
            prop(r, "remote-test", "late")
    assert prop(cib, "remote-test") == "" and others(cib) == []


@pytest.mark.parametrize("when, applied", [("before", False), ("after", True)])
def test_ctrl_c_around_the_final_step_tells_the_truth(cib, when, applied):
    r = LoopRunner(cib, interrupt_finish=when)
    with pytest.raises(CommitInterrupted) as err, filetxn.transaction(r, None):
        prop(r, "remote-test", "interrupted")
    assert err.value.applied is applied
    assert (prop(cib, "remote-test") == "interrupted") is applied and others(cib) == []


def test_ctrl_c_after_a_refused_final_step_is_nothing_changed(cib):
    r = LoopRunner(cib, interrupt_finish="after")
    with pytest.raises(CommitInterrupted) as err, filetxn.transaction(r, None):
        prop(r, "remote-test", "mine")
        prop(cib, "remote-test", "theirs")
    assert not err.value.applied and prop(cib, "remote-test") == "theirs" and others(cib) == []


def test_ctrl_c_stops_the_transactions_tools_before_removing_the_copy(cib):
    r = LoopRunner(cib)
    with pytest.raises(CommitInterrupted), filetxn.transaction(r, None) as txn:
        # a tool still running on the host after the channel was cut, that would write the copy later
        env = {**os.environ, **r.base_env}
        subprocess.Popen(["sh", "-c", 'sleep 2; echo x > "$CIB_file"'], env=env, start_new_session=True)
        time.sleep(0.2)
        raise KeyboardInterrupt
    time.sleep(2.5)
    assert not os.path.exists(txn.copy) and others(cib) == []


def test_orphaned_copies_of_killed_commits_are_removed_by_the_next(cib):
    d = os.path.dirname(cib)
    name = os.path.basename(cib)
    old = os.path.join(d, f".{name}.0123456789abcdef.AbCdEf12.tmp")  # a killed clush's copy, 2 h old
    fresh = os.path.join(d, f".{name}.fedcba9876543210.AbCdEf12.tmp")  # maybe a commit still going on
    local = os.path.join(d, f".{name}.k3j_x9q2.tmp")  # a local clush's copy: never ours to remove
    busy = os.path.join(d, f".{name}.00000000000000aa.AbCdEf12.tmp")  # old, but its tool still runs
    for path in (old, fresh, local, busy):
        with open(path, "w") as f:
            f.write("<cib/>")
    for path in (old, local, busy):
        os.utime(path, (time.time() - 7200, time.time() - 7200))
    tool = subprocess.Popen(["sleep", "30"], env={**os.environ, remotetxn.TAG: "00000000000000aa"})
    try:
        with filetxn.transaction(LoopRunner(cib), None):
            pass
    finally:
        tool.kill()
        tool.wait()
    assert others(cib) == sorted(os.path.basename(p) for p in (fresh, local, busy))


def test_a_symlinked_file_is_replaced_and_the_link_kept(cib, tmp_path):
    link = tmp_path / "link.xml"
    link.symlink_to(cib)
    r = LoopRunner(str(link))
    with filetxn.transaction(r, None) as txn:
        prop(r, "remote-test", "through-link")
    assert txn.path == cib and link.is_symlink() and prop(cib, "remote-test") == "through-link"
    assert os.path.exists(filetxn.lock_path(cib)) and others(cib) == []


def test_a_failing_tool_leaves_the_file_and_no_copy(cib):
    r = LoopRunner(cib)
    before = open(cib, "rb").read()
    with pytest.raises(ClushError) as err, filetxn.transaction(r, None) as txn:
        prop(r, "remote-test", "half")
        res = r.run(["cibadmin", "--modify", "--xml-text", "<nosuch/>"])
        raise ClushError(f"commit failed: CIB file {txn.copy} refused it (rc {res.rc})")
    assert err.value.message.startswith(f"commit failed: CIB file {cib} refused it")
    assert open(cib, "rb").read() == before and others(cib) == []
