"""User preferences: /etc/clush/clush.conf, then $XDG_CONFIG_HOME/clush/clush.conf.

INI files with sections; `CLUSH_CONFIG=PATH` replaces the user file. Known settings are
declared once here (name, default, allowed values, help) for the `options` level, the
man page and completion.
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path

from clushell import paths
from clushell.errors import ClushError


@dataclass(frozen=True)
class Setting:
    name: str  # section.key
    default: str
    help: str
    choices: tuple[str, ...] = ()


SETTINGS: tuple[Setting, ...] = (
    Setting("core.color", "auto", "Colour output: auto (on a terminal), always or never.", ("auto", "always", "never")),
    Setting("core.pager", "", "Pager for long output (empty: $PAGER, else 'less -R')."),
    Setting("core.editor", "", "Editor for 'configure edit' (empty: $VISUAL, $EDITOR, else vi)."),
    Setting("core.history", "yes", "Keep a command history file.", ("yes", "no")),
    Setting("core.obscure-pattern", "passw*", "Parameter names whose values 'show' masks."),
    Setting("core.sort-elements", "yes", "'show' sorts objects of a type by id (no: CIB order, as crm's "
            "sort-elements).", ("yes", "no")),
    Setting("cluster.nodes", "", "Cluster nodes to reach over SSH (space separated [USER@]HOST[:PORT])."),
    Setting("ipvs.directors", "", "Default IPVS directors (space separated); groups as ipvs.group.NAME."),
    Setting("ipvs.file", "", "Offline IPVS table (ipvsadm -Sn format) the ipvs level works on, as director @file."),
)
BY_NAME = {s.name: s for s in SETTINGS}


def system_file() -> Path:
    return Path(paths.SYSTEM_CONFIG) / "clush.conf"


def user_file() -> Path:
    override = os.environ.get("CLUSH_CONFIG")
    return Path(override) if override else paths.config_dir() / "clush.conf"


def read_text(path: Path) -> str | None:
    """A configuration file's text; None when it does not exist; ClushError naming the file otherwise."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ClushError(f"{path}: is a directory, not a configuration file") from None
    except OSError as exc:
        raise ClushError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ClushError(f"{path}:{line}: not UTF-8 text") from None


def parse_into(parser: configparser.ConfigParser, text: str, path: Path) -> None:
    """Read INI text into ``parser``; a malformed file is one error naming the file and line."""
    try:
        parser.read_string(text, source=str(path))
    except configparser.MissingSectionHeaderError as exc:
        raise ClushError(f"{path}:{exc.lineno}: a setting before any [section] header: "
                         f"{exc.line.strip()!r}") from None
    except (configparser.DuplicateSectionError, configparser.DuplicateOptionError) as exc:
        what = f"option '{exc.option}'" if isinstance(exc, configparser.DuplicateOptionError) else "section"
        raise ClushError(f"{path}:{exc.lineno}: duplicate {what} in [{exc.section}]") from None
    except configparser.ParsingError as exc:
        lineno = exc.errors[0][0]
        lines = text.splitlines()
        line = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
        raise ClushError(f"{path}:{lineno}: not 'name = value' or '[section]': {line!r}") from None
    except configparser.Error as exc:
        raise ClushError(f"{path}: {exc.message.splitlines()[0]}") from None


class Config:
    def __init__(self) -> None:
        self.parser = configparser.ConfigParser(interpolation=None)
        self.user = configparser.ConfigParser(interpolation=None)
        for path in (system_file(), user_file()):
            text = read_text(path)
            if text is not None:
                parse_into(self.parser, text, path)
        text = read_text(user_file())
        if text is not None:
            parse_into(self.user, text, user_file())

    @staticmethod
    def _split(name: str) -> tuple[str, str]:
        if "." not in name:
            raise ClushError(f"setting '{name}' must be SECTION.KEY (e.g. core.pager)", token=name)
        section, key = name.split(".", 1)
        return section, key

    def get(self, name: str) -> str:
        section, key = self._split(name)
        if self.parser.has_option(section, key):
            return self.parser.get(section, key)
        setting = BY_NAME.get(name)
        return setting.default if setting else ""

    def set(self, name: str, value: str) -> None:
        setting = BY_NAME.get(name)
        if setting is None and not name.startswith("ipvs.group."):
            raise ClushError(f"unknown setting '{name}' (known: {', '.join(BY_NAME)})", token=name)
        if setting and setting.choices and value not in setting.choices:
            raise ClushError(f"{name}: '{value}' is not one of {', '.join(setting.choices)}", token=value)
        section, key = self._split(name)
        for parser in (self.parser, self.user):
            if not parser.has_section(section):
                parser.add_section(section)
            parser.set(section, key, value)

    def reset(self, name: str) -> None:
        section, key = self._split(name)
        for parser in (self.parser, self.user):
            if parser.has_option(section, key):
                parser.remove_option(section, key)
        for path in (system_file(),):
            sysparser = configparser.ConfigParser(interpolation=None)
            sysparser.read(path, encoding="utf-8")
            if sysparser.has_option(section, key):
                if not self.parser.has_section(section):
                    self.parser.add_section(section)
                self.parser.set(section, key, sysparser.get(section, key))

    def save(self) -> Path:
        path = user_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            self.user.write(f)
        return path

    def items(self) -> list[tuple[str, str]]:
        names = list(BY_NAME)
        for section in self.parser.sections():
            names += [f"{section}.{k}" for k in self.parser.options(section) if f"{section}.{k}" not in names]
        return [(n, self.get(n)) for n in names]
