"""The CIB model and the crm configure language (pure: no I/O, no printing).

Public entry points:

* :class:`clushell.cib.model.CibModel` -- lxml document + id index.
* :func:`apply_text` -- parse crm configure statements and apply them to a model atomically.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from clushell.cib.model import CibModel
    from clushell.cib.problems import Problem


def apply_text(
    model: CibModel,
    text: str,
    *,
    source: str = "<input>",
    providers: Callable[[str], list[str]] | None = None,
) -> list[Problem]:
    """Parse and apply configure statements (one per line, ``\\`` continuations, ``#`` comments).

    Either every statement applies or the model is left exactly as it was (a ClushError
    naming ``source``, line, column and token is raised). Returns the infos and warnings
    produced (clushell.cib.problems.Problem; the command layer shows them).
    ``providers(type)`` lists OCF providers of an agent type (for the
    short ``primitive d Dummy`` form); default: heartbeat.
    """
    from clushell.cib.build import apply_statements

    return apply_statements(model, text, source=source, providers=providers)
