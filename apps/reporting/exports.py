"""Build the bulk-entry template for the requesting unit (selector → pure renderer)."""

from __future__ import annotations

from apps.accounts.models import User
from apps.core.errors import PermissionDeniedError
from docimport.values import STATUS_CHOICES, STATUS_WORDS

from .access import parties_label, reporting_parties
from .models import ReportingRound
from .selectors import approved_values, party_obligations, round_value_states
from .sheets import TemplateRow, render_template

#: The template's word for each stored qualitative status (the import reads it back through STATUS_WORDS).
STATUS_WORD = {STATUS_WORDS[word]: word for word in STATUS_CHOICES}


def department_template(reporting_round: ReportingRound, user: User) -> tuple[bytes, str]:
    """The rows the user's unit reports in the round, prefilled with the last approved value and with what the
    round already holds (number, status, explanation, source, caliber), so that importing the downloaded
    sheet unchanged changes nothing."""
    parties = reporting_parties(user, reporting_round.program)
    if not parties:
        raise PermissionDeniedError("您没有填报任务。")
    obligations = party_obligations(reporting_round, parties)
    who = parties_label(parties)
    years = list(range(reporting_round.year - 5, reporting_round.year))
    approved = approved_values(reporting_round.program, [o.region.id for o in obligations],
                               [o.indicator.id for o in obligations], years)
    current = round_value_states(reporting_round)
    rows, seen = [], set()
    for o in obligations:
        if (o.region.id, o.indicator.id) in seen:
            continue
        seen.add((o.region.id, o.indicator.id))
        series = approved.get((o.region.id, o.indicator.id), {})
        last = series[max(series)] if series else None
        state = current.get((o.region.id, o.indicator.id))
        rows.append(TemplateRow(
            region_code=o.region.code, region_name=o.region.name, indicator_code=o.indicator.code,
            indicator_name=o.indicator.full_name, unit=o.indicator.unit, target=o.target,
            last_approved=f"{last.display}（{last.year}年）" if last else "",
            qualitative=o.indicator.is_qualitative_for(o.region.level),
            **({} if state is None else {
                "number": state.number, "qualitative_word": STATUS_WORD.get(state.qualitative, ""),
                "explanation": state.explanation, "source": state.source, "caliber": state.caliber}),
        ))
    title = f"{reporting_round.name}（{reporting_round.period_label}）填报表 · {who}"
    filename = f"{reporting_round.name}-{who}.xlsx"
    return render_template(title, rows), filename
