"""Saving a draft from an editor — the back office's form, the API: one exchange-format object in, the
created or updated draft out.

The editor's rules on top of ``procedure_create`` / ``procedure_update``: a warning about the lists and the
process (an unknown key in a component, a fee, a step…) stops the save, since the editor typed it and
would lose it silently; and the implementing agency must be one the editor may choose
(``motcua.catalogue.access.procedure_agency_allowed``). Whether the editor may edit at all is checked by
the caller first (``catalogue_can_edit`` / ``procedure_can_edit``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts.models import User

from ..access import procedure_agency_allowed
from ..errors import SpecError
from ..models import Procedure
from ..spec import COMMUNE_AGENCY, ParseResult, Problem, parse_procedure
from .procedures import procedure_create, procedure_update
from .storage import References

#: The parts of a procedure an editor writes as JSON lists or objects: a warning there stops the save.
EDITOR_JSON_PARTS = ("components", "fees", "legal_basis", "process")


def _head(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def editor_problems(parsed: ParseResult) -> list[Problem]:
    """What stops an editor's save: every problem, and the warnings about the JSON parts."""
    return parsed.problems + [w for w in parsed.warnings if _head(w.path) in EDITOR_JSON_PARTS]


def procedure_draft_save(
    *,
    actor: User,
    raw: Mapping[str, Any],
    procedure: Procedure | None = None,
    expected_revision: int | None = None,
) -> Procedure:
    """Create the draft ``raw`` describes (``procedure`` None) or replace ``procedure``'s draft with it.

    Raises ``SpecError`` listing every problem (nothing written), or ``StaleDraft`` when ``expected_revision``
    is not the draft's revision any more. One transaction and one audit row (the create/update service's).
    """
    parsed = parse_procedure(dict(raw))
    problems = editor_problems(parsed)
    if parsed.spec is None or problems:
        raise SpecError(problems)
    spec = parsed.spec
    refs = References.load()
    known = spec.agency == COMMUNE_AGENCY or spec.agency in refs.units  # unknown codes: the services say so
    if known and not procedure_agency_allowed(user=actor, agency=spec.agency, procedure=procedure):
        raise SpecError(
            [
                Problem(
                    "agency",
                    "agency_not_allowed",
                    _(
                        "Không chọn được “%(code)s” làm cơ quan thực hiện: chỉ chọn cơ quan (không phải cấp xã) "
                        "còn hiệu lực mà bạn được giao quản trị thủ tục."
                    )
                    % {"code": spec.agency},
                )
            ]
        )
    if procedure is None:
        return procedure_create(actor=actor, spec=spec, refs=refs)
    return procedure_update(
        actor=actor, procedure=procedure, spec=spec, expected_revision=expected_revision, refs=refs
    )
