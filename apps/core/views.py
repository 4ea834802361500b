from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.accounts.models import Role
from apps.core.permissions import visible_programs_q
from apps.core.web import page


@page
def home(request: HttpRequest) -> HttpResponse:
    """Land where the role works: a reporter on its unit's page, everyone else on the program."""
    from apps.programs.models import Program

    programs = list(Program.objects.filter(visible_programs_q(request.user)).select_related("region"))
    if len(programs) == 1:
        program = programs[0]
        if request.user.role == Role.DEPARTMENT_REPORTER:
            return redirect("department", program_id=program.id, department_id=request.user.department_id)
        if request.user.role == Role.COUNTY_OFFICE:
            return redirect("region", program_id=program.id, region_id=request.user.region_id)
        if request.user.role == Role.LEADER:
            return redirect("assessment_cockpit", program_id=program.id)
        return redirect("program", program_id=program.id)
    return render(request, "core/home.html", {"programs": programs})
