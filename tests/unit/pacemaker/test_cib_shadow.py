"""Shadow CIBs with the real cibadmin on CIB files."""

import os
import subprocess

import pytest


@pytest.fixture
def env(cib_file, tmp_path):
    subprocess.run(["crm_attribute", "-t", "crm_config", "-n", "stonith-enabled", "-v", "false"],
                   env=dict(os.environ, CIB_file=str(cib_file)), check=True, capture_output=True)
    return {"CIB_file": str(cib_file), "CIB_shadow_dir": str(tmp_path / "shadows")}


def ids_in(path):
    return subprocess.run(["cibadmin", "-Q", "-o", "resources"], env=dict(os.environ, CIB_file=str(path)),
                          capture_output=True, text=True, check=True).stdout


def test_shadow_changes_reach_the_target_only_on_commit(clush, cib_file, env):
    res = clush(input="cib new s1\nconfigure primitive d9 ocf:pacemaker:Dummy\ncib list\n", env=env)
    assert res.returncode == 0, res.stderr
    assert "* s1" in res.stdout
    assert 'id="d9"' not in ids_in(cib_file)
    res = clush(input="cib use s1\ncib diff\ncib commit\n", env=env)
    assert res.returncode == 0, res.stderr
    assert "+primitive d9 ocf:pacemaker:Dummy" in res.stdout
    assert 'id="d9"' in ids_in(cib_file)


def test_commit_refused_when_the_target_moved(clush, cib_file, env):
    assert clush(input="cib new s2\n", env=env).returncode == 0
    # someone else changes the real CIB meanwhile
    subprocess.run(["cibadmin", "-C", "-o", "resources", "-X",
                    '<primitive id="other" class="ocf" provider="pacemaker" type="Dummy"/>'],
                   env=dict(os.environ, CIB_file=str(cib_file)), check=True)
    res = clush(input="cib use s2\nconfigure\nprimitive mine ocf:pacemaker:Dummy\ncommit\nup\ncib commit\n", env=env)
    assert res.returncode == 1
    assert "the target changed since shadow 's2' was made" in res.stderr
    assert 'id="other"' in ids_in(cib_file) and 'id="mine"' not in ids_in(cib_file)


def test_prompt_label_and_bad_names(clush, env):
    res = clush(input="cib new ../evil\n", env=env)
    assert res.returncode == 1 and "bad shadow name '../evil'" in res.stderr
    res = clush(input="cib use nosuch\n", env=env)
    assert res.returncode == 1 and "no shadow 'nosuch'" in res.stderr


def test_label_shows_shadow_name(cib_file, env):
    from clushell.target import Target

    assert Target("shadow", cib_file=str(cib_file), node="n1", shadow="s1").label() == "s1/n1"


def test_shadow_names_never_collide_with_temp_files(clush, env, tmp_path):
    # 'cib new a.b' once wrote shadow.a.tmp (= shadow 'a.tmp'); 'cib new other' wrote
    # shadow.tmp (= shadow 'tmp') and renamed it away
    res = clush(input="cib new tmp\ncib new a.tmp\ncib new a.b\ncib new other\ncib list\n", env=env)
    assert res.returncode == 0, res.stderr
    assert [ln[2:] for ln in res.stdout.splitlines()] == ["a.b", "a.tmp", "other", "tmp"]
    shadows = tmp_path / "shadows"
    visible = sorted(p.name for p in shadows.iterdir() if not p.name.startswith("."))
    assert visible == ["shadow.a.b", "shadow.a.tmp", "shadow.other", "shadow.tmp"]
    assert not [p.name for p in shadows.iterdir() if p.name.endswith(".tmp") and p.name.startswith(".")]
    res = clush(input="cib delete a.tmp\ncib list\n", env=env)
    assert res.returncode == 0, res.stderr
    assert [ln[2:] for ln in res.stdout.splitlines()] == ["a.b", "other", "tmp"]


def test_shadow_commit_to_a_read_only_target_says_so(clush, cib_file, env):
    assert clush(input="cib new ro\nconfigure primitive r1 ocf:pacemaker:Dummy\n", env=env).returncode == 0
    os.chmod(cib_file, 0o444)
    try:
        res = clush(input="cib commit ro\n", env={**env, "CIB_shadow": ""})
    finally:
        os.chmod(cib_file, 0o644)
    if os.geteuid() == 0:  # root may write anyway; then it must simply have worked
        assert res.returncode == 0 or "read-only" in res.stderr, res.stderr
    else:
        assert res.returncode == 1 and "read-only" in res.stderr, res.stderr
    assert "exit code" not in res.stderr
