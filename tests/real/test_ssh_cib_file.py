"""Commits to a CIB file on another host (--host H --cib-file PATH) over a real sshd on loopback.

As safe as a local file (clushell.pacemaker.remotetxn): the tools work on a copy beside the
file, the final step locks ``.<name>.lock`` (the lock a local clush takes), re-checks the version
and renames; a concurrent change is never overwritten, and no temp file stays behind.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from clushell.pacemaker import filetxn
from tests.clushproc import ClushProc
from tests.paths import BENCH, CLUSH
from tests.realenv import require

pytestmark = pytest.mark.ssh


@pytest.fixture
def remote(sshd, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    return sshd


@pytest.fixture
def cib(tmp_path) -> Path:
    require("cibadmin", "crm_attribute", "crm_diff", "crm_verify", "flock")
    os.chmod(tmp_path, 0o755)
    path = tmp_path / "remote cib.xml"
    with open(path, "w") as f:
        subprocess.run(["cibadmin", "--empty"], stdout=f, check=True)
    prop(path, "stonith-enabled", "false")
    return path


def prop(path: Path, name: str, value: str | None = None) -> str:
    argv = ["crm_attribute", "-t", "crm_config", "-n", name] + (["-v", value] if value else ["-q", "-G"])
    res = subprocess.run(argv, env={**os.environ, "CIB_file": str(path)}, capture_output=True, text=True)
    return res.stdout.strip()


def clush(server, cib: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLUSH, "--host", server.alias, "--cib-file", str(cib), *args], input=stdin,
                          capture_output=True, text=True, timeout=300, env=server.env())


def proc(server, cib: Path) -> ClushProc:
    return ClushProc("--host", server.alias, "--cib-file", str(cib), env={"HOME": server.home})


def leftovers(cib: Path) -> list[str]:
    keep = {cib.name, os.path.basename(filetxn.lock_path(str(cib)))}
    return sorted(set(os.listdir(cib.parent)) - keep)


def errors(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.startswith("ERROR")]


def test_commit_renames_a_copy_over_the_file(remote, cib):
    inode = os.stat(cib).st_ino
    res = clush(remote, cib, stdin="configure\nproperty remote-test=one\nprimitive r1 Dummy\ncommit\n")
    assert res.returncode == 0, res.stderr
    assert "committed; CIB epoch now" in res.stderr
    assert prop(cib, "remote-test") == "one" and os.stat(cib).st_ino != inode
    assert leftovers(cib) == [] and os.path.exists(filetxn.lock_path(str(cib)))


def test_a_change_made_on_the_host_after_load_is_never_overwritten(remote, cib):
    prop(cib, "remote-test", "loaded")
    p = proc(remote, cib)
    p.send("configure", "property remote-test=mine")
    p.sync(timeout=120)
    prop(cib, "remote-test", "theirs")  # cibadmin (crm_attribute) on the file, meanwhile
    p.send("commit")
    rc = p.close()
    assert rc == 1, p.stderr
    errs = errors(p.stderr)
    assert len(errs) == 1 and "commit refused" in errs[0] and "changed by someone else" in errs[0], p.stderr
    assert prop(cib, "remote-test") == "theirs" and leftovers(cib) == []


def test_a_disjoint_change_on_the_host_is_kept_beside_mine(remote, cib):
    p = proc(remote, cib)
    p.send("configure", "property remote-mine=1")
    p.sync(timeout=120)
    prop(cib, "remote-theirs", "2")
    p.send("commit")
    assert p.close() == 0, p.stderr
    assert prop(cib, "remote-mine") == "1" and prop(cib, "remote-theirs") == "2" and leftovers(cib) == []


@pytest.mark.parametrize("same", [True, False], ids=["same-attribute", "different-attributes"])
def test_two_clush_committing_at_once_lose_nothing(remote, cib, same):
    rounds = int(os.environ.get("CLUSH_SSH_RACE_ROUNDS", "3"))
    for n in range(rounds):
        names = ["race", "race"] if same else [f"race-a{n}", f"race-b{n}"]
        values = [f"a{n}", f"b{n}"]
        ps = [proc(remote, cib) for _ in range(2)]
        for p, name, value in zip(ps, names, values, strict=True):
            p.send("configure", f"property {name}={value}")
        for p in ps:
            p.sync(timeout=120)
        for p in ps:
            p.send("commit")
        rcs = [p.close() for p in ps]
        won = [rc == 0 and "committed; CIB epoch now" in p.stderr for p, rc in zip(ps, rcs, strict=True)]
        for p, ok in zip(ps, won, strict=True):
            if not ok:  # refused, in one line: by the three-way check or by the final re-check
                errs = errors(p.stderr)
                assert len(errs) == 1 and "commit refused" in errs[0], p.stderr
                print(f"round {n}: {errs[0]}")
        if same:
            assert won.count(True) == 1, [p.stderr for p in ps]
            assert prop(cib, "race") == values[won.index(True)]
        else:  # disjoint: both land, merged like on a local file (a rename race is committed again once)
            assert all(won), [p.stderr for p in ps]
        for name, value, ok in zip(names, values, won, strict=True):
            assert (prop(cib, name) == value) is ok, f"round {n}: {name}: {[p.stderr for p in ps]}"
        assert leftovers(cib) == []


def test_the_final_step_waits_for_the_writer_lock(remote, cib):
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with filetxn.locked(str(cib)):  # what a local clush holds while it commits
            held.set()
            release.wait(30)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    p = subprocess.Popen([CLUSH, "--host", remote.alias, "--cib-file", str(cib), "configure", "property",
                          "remote-test=after-lock"], env=remote.env(), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not [n for n in leftovers(cib) if n.endswith(".tmp")] and time.monotonic() < deadline:
            time.sleep(0.05)  # the copy exists: clush is committing
        time.sleep(3)
        assert p.poll() is None, p.communicate()  # still waiting for the lock
        assert prop(cib, "remote-test") == ""
    finally:
        release.set()
        t.join()
    _, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert prop(cib, "remote-test") == "after-lock" and leftovers(cib) == []


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    require("cibadmin", "crm_attribute", "flock")
    path = tmp_path_factory.mktemp("bigremote") / "cib.xml"
    subprocess.run([sys.executable, str(BENCH / "gen_cib.py"), "1500", str(path)], check=True, capture_output=True)
    prop(path, "stonith-enabled", "false")
    return path


def test_sigint_while_committing_leaves_a_whole_file_and_no_copy(remote, big, tmp_path):
    trials = int(os.environ.get("CLUSH_SSH_SIGINT_TRIALS", "4"))
    seed = int(os.environ.get("CLUSH_SIGINT_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    os.chmod(tmp_path, 0o755)
    timing = tmp_path / "timing.xml"
    shutil.copy(big, timing)
    p = proc(remote, timing)
    p.send("configure", "property int-test=v0")
    p.sync(timeout=300)
    start = time.monotonic()
    p.send("commit")
    p.sync(timeout=300)
    took = time.monotonic() - start
    assert p.close() == 0 and "committed" in p.stderr, p.stderr
    for t in range(trials):
        d = tmp_path / f"t{t}"
        d.mkdir()
        os.chmod(d, 0o755)
        cib = d / "cib.xml"
        shutil.copy(big, cib)
        p = proc(remote, cib)
        p.send("configure", "property int-test=v1")
        p.sync(timeout=300)
        delay = 1.2 * took * (t + rng.random()) / trials
        p.send("commit")
        time.sleep(delay)
        p.interrupt()
        rc = p.close()
        where = f"trial {t} (seed {seed}, {delay:.2f} s of {took:.2f}, rc {rc})"
        from lxml import etree

        root = etree.parse(str(cib)).getroot()  # whole and valid XML, never cut
        assert root.tag == "cib" and len(root.findall(".//primitive")) >= 1500, where
        applied = bool(root.xpath("//nvpair[@name='int-test'][@value='v1']"))
        err = p.stderr
        said_applied = "the change was applied" in err or "committed; CIB epoch now" in err
        assert said_applied != ("nothing was changed" in err), f"{where}: {err}"
        assert applied == said_applied, f"{where}: {err}"
        assert "Traceback" not in err
        assert leftovers(cib) == [], f"{where}: {leftovers(cib)}"
        print(f"{where}: {'applied' if applied else 'not applied'}")


def test_connection_cut_while_committing_says_what_happened_and_leaves_no_copy(remote, big, tmp_path):
    trials = int(os.environ.get("CLUSH_SSH_CUT_TRIALS", "3"))
    rng = random.Random(int(os.environ.get("CLUSH_SIGINT_SEED", random.randrange(1 << 30))))
    for t in range(trials):
        d = tmp_path / f"cut{t}"
        d.mkdir()
        os.chmod(d, 0o755)
        cib = d / "cib.xml"
        shutil.copy(big, cib)
        p = proc(remote, cib)
        p.send("configure", "property cut-test=v1")
        p.sync(timeout=300)
        p.send("commit")
        deadline = time.monotonic() + 60
        while not [n for n in leftovers(cib) if n.endswith(".tmp")] and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0, 3))
        remote.kill_sessions()  # the network goes away; the commands on the host keep running
        rc = p.close()
        from lxml import etree

        root = etree.parse(str(cib)).getroot()
        applied = bool(root.xpath("//nvpair[@name='cut-test'][@value='v1']"))
        err = p.stderr
        where = f"trial {t} (rc {rc})"
        assert "Traceback" not in err, err
        if applied:
            assert rc == 0 and ("committed" in err or "was applied" in err), f"{where}: {err}"
        else:  # cut in the transaction: it says so; cut before it (crm_verify), the runner's words
            assert rc == 1 and len(errors(err)) == 1, f"{where}: {err}"
            assert "nothing was changed" in err or "nothing was written" in err or "crm_verify" in err, err
        assert leftovers(cib) == [], f"{where}: {leftovers(cib)}"
        print(f"{where}: {'applied' if applied else 'not applied'}: {err.strip().splitlines()[-1:]}")


def test_sigkilled_clush_leaves_the_file_whole_and_its_copy_is_swept_later(remote, big, tmp_path):
    import signal

    os.chmod(tmp_path, 0o755)
    cib = tmp_path / "cib.xml"
    shutil.copy(big, cib)
    before = cib.read_bytes()
    p = proc(remote, cib)
    p.send("configure", "property kill-test=v1")
    p.sync(timeout=300)
    p.send("commit")
    deadline = time.monotonic() + 60
    while not [n for n in leftovers(cib) if n.endswith(".tmp")] and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(p.proc.pid, signal.SIGKILL)  # no chance to clean up
    p.close()
    assert cib.read_bytes() == before  # the tools only ever touched the copy
    orphans = [n for n in leftovers(cib) if n.endswith(".tmp")]
    assert orphans
    for n in orphans:  # let the tools it started on the host finish (a cut channel does not stop them)
        tag = f"CLUSH_FILE_TXN={n[len(cib.name) + 2:].split('.')[0]}".encode()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and any(tag in _environ(pid) for pid in os.listdir("/proc")):
            time.sleep(0.1)
    for n in orphans:
        os.utime(cib.parent / n, (time.time() - 7200, time.time() - 7200))
    res = clush(remote, cib, "configure", "property", "kill-test=v2")
    assert res.returncode == 0, res.stderr
    assert prop(cib, "kill-test") == "v2" and leftovers(cib) == []


def _environ(pid: str) -> list[bytes]:
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return []


def test_other_writers_go_through_the_same_transaction(remote, cib):
    """resource commands on a remote file: copy, lock, rename; nothing left."""
    inode = os.stat(cib).st_ino
    res = clush(remote, cib, stdin="resource stop r1\n")
    assert res.returncode == 1 and os.stat(cib).st_ino == inode and leftovers(cib) == [], res.stderr
    res = clush(remote, cib, stdin="configure\nprimitive r1 Dummy\ncommit\nup\nresource stop r1\n"
                                   "resource utilization r1 set cpu 2\n")
    assert res.returncode == 0, res.stderr
    got = subprocess.run(["cibadmin", "-Q", "--xpath", "//primitive[@id='r1']//nvpair[@name='target-role']"],
                         env={**os.environ, "CIB_file": str(cib)}, capture_output=True, text=True).stdout
    assert 'value="Stopped"' in got and leftovers(cib) == []
    got = subprocess.run(["cibadmin", "-Q", "--xpath", "//primitive[@id='r1']/utilization"],
                         env={**os.environ, "CIB_file": str(cib)}, capture_output=True, text=True).stdout
    assert 'name="cpu" value="2"' in got


@pytest.fixture
def open_dir():
    """A directory other users can reach (pytest's own are private to root)."""
    import tempfile

    d = tempfile.mkdtemp(prefix="clush-remote-")
    os.chmod(d, 0o755)
    yield Path(d)
    shutil.rmtree(d, ignore_errors=True)


def test_a_directory_the_user_cannot_write_is_one_clear_line(remote, cib, open_dir):
    cib = Path(shutil.copy(cib, open_dir / "cib.xml"))
    os.chmod(cib, 0o666)  # the file is writable, its directory (for the copy and the lock) is not
    res = subprocess.run([CLUSH, "--host", remote.user_alias, "--cib-file", str(cib), "configure", "property",
                          "remote-test=x"], capture_output=True, text=True, timeout=120, env=remote.env())
    assert res.returncode == 1
    errs = errors(res.stderr)
    assert len(errs) == 1 and "its directory" in errs[0] and "clushuser@" in errs[0], res.stderr
    assert prop(cib, "remote-test") == "" and leftovers(cib) == []


def test_a_haclient_user_commits_to_its_own_file(remote, cib, open_dir):
    import pwd

    user = pwd.getpwnam("clushuser")
    d = open_dir / "user dir"
    d.mkdir()
    mine = d / "cib.xml"
    shutil.copy(cib, mine)
    for path in (d, mine):
        os.chown(path, user.pw_uid, user.pw_gid)
    res = subprocess.run([CLUSH, "--host", remote.user_alias, "--cib-file", str(mine), "configure", "property",
                          "remote-test=by-user"], capture_output=True, text=True, timeout=120, env=remote.env())
    assert res.returncode == 0, res.stderr
    assert prop(mine, "remote-test") == "by-user" and os.stat(mine).st_uid == user.pw_uid
    assert leftovers(mine) == []
