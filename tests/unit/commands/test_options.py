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


def test_config_file_errors_name_file_and_line(clush, tmp_path, cib_file):
    conf = tmp_path / "clush.conf"
    env = {"CLUSH_CONFIG": str(conf), "CIB_file": str(cib_file)}
    cases = [
        (b"[core]\npager = less\nthis is junk\n", f"{conf}:3: not 'name = value' or '[section]': 'this is junk'"),
        (b"[core]\npager = a\npager = b\n", f"{conf}:3: duplicate option 'pager' in [core]"),
        (b"[core]\npager = \xff\n", f"{conf}:2: not UTF-8 text"),
        (b"pager = less\n", f"{conf}:1: a setting before any [section] header"),
    ]
    for data, message in cases:
        conf.write_bytes(data)
        res = clush("version", env=env)
        assert res.returncode == 1 and message in res.stderr, res.stderr
        assert res.stderr.count("\n") == 1
    conf.unlink()
    conf.mkdir()
    res = clush("version", env=env)
    assert res.returncode == 1 and f"{conf}: is a directory, not a configuration file" in res.stderr
