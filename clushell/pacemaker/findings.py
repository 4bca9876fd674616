"""What verification found, said to the user: warnings and errors each on its own line, and the
one-line refusal of a commit the schema refuses (cibadmin would refuse it, forced or not)."""

from __future__ import annotations

from typing import Any

from clushell.errors import ClushError


def report_findings(ctx: Any, xml: bytes, *, changed: set[str] | None = None) -> bool:
    """Print what verification finds in ``xml``; False when there are errors."""
    return not check_and_report(ctx, xml, changed=changed)


def check_and_report(ctx: Any, xml: bytes, *, changed: set[str] | None = None, fold_single_error: bool = False
                     ) -> list[str]:
    """Print what verification finds in ``xml`` and return the errors' texts.

    With ``fold_single_error`` a lone error is not printed: the caller says it in its one line.
    """
    from clushell.pacemaker.verify import verify_cib

    return report(ctx, verify_cib(ctx.session.runner, xml, changed_ids=changed), fold_single_error=fold_single_error)


def refuse_schema(found: list[Any]) -> None:
    """cibadmin refuses what the schema refuses, forced or not: one line (more under it), nothing else."""
    if found:
        more = "\n".join(_text(f) for f in found[1:])
        raise ClushError(f"commit refused: {found[0].say('cannot be forced').split(': ', 1)[-1]}", details=more)


def _text(finding: Any) -> str:
    return str(finding).split(": ", 1)[-1]  # without the level: ctx.out says it


def report(ctx: Any, findings: list[Any], *, fold_single_error: bool = False) -> list[str]:
    errors = [_text(f) for f in findings if f.is_error]
    fold = fold_single_error and len(errors) == 1
    for f in findings:
        if not f.is_error:
            ctx.out.warn(_text(f))
        elif not fold:
            ctx.out.error(_text(f))
    return errors
