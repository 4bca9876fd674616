"""The options level and the configuration files."""


def test_set_save_and_show_again(clush, tmp_path, cib_file):
    env = {"CLUSH_CONFIG": str(tmp_path / "clush.conf"), "CIB_file": str(cib_file)}
    res = clush(input="options\nset core.pager 'less -S'\nsave\n", env=env)
    assert res.returncode == 0, res.stderr
    assert "[core]\npager = less -S" in (tmp_path / "clush.conf").read_text()
    res = clush("options", "show", "core.pager", env=env)
    assert res.stdout.startswith("core.pager = less -S")


def test_bad_values_are_refused(clush, tmp_path, cib_file):
    env = {"CLUSH_CONFIG": str(tmp_path / "clush.conf"), "CIB_file": str(cib_file)}
    res = clush("options", "set", "core.color", "purple", env=env)
    assert res.returncode == 1
    assert "core.color: 'purple' is not one of auto, always, never" in res.stderr
    res = clush("options", "set", "nosuch", "x", env=env)
    assert res.returncode == 1 and "unknown setting 'nosuch'" in res.stderr
    assert not (tmp_path / "clush.conf").exists()


def test_broken_config_file_is_one_line(clush, tmp_path, cib_file):
    bad = tmp_path / "clush.conf"
    bad.write_text("no section header\n")
    res = clush("options", "show", env={"CLUSH_CONFIG": str(bad), "CIB_file": str(cib_file)})
    assert res.returncode == 1
    assert res.stderr.count("\n") == 1 and str(bad) in res.stderr
