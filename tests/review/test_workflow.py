"""A workflow says which of its moves need a comment (``Workflow.comment_required``), and the one step function
refuses such a move without one, before it locks or writes anything, for every registered workflow alike."""

from __future__ import annotations

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.errors import DomainError
from apps.review.models import ReviewEvent
from apps.review.services import workflow_step
from apps.review.workflow import _BY_MODEL, REVIEW, Workflow, workflow_for

WORKFLOWS = {"review": REVIEW, **_BY_MODEL}


def test_every_registered_workflow_is_known() -> None:
    assert {"reporting.reportinground", "tasks.supervisionnotice", "publication.publication",
            "scoring.scorerun"} <= set(_BY_MODEL)


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_the_moves_that_need_a_comment_are_moves_of_the_workflow(name: str) -> None:
    workflow = WORKFLOWS[name]
    moves = {action for (_, action) in workflow.transitions}
    assert set(workflow.comment_required) <= moves
    for action, refusal in workflow.comment_required.items():
        assert str(refusal).endswith("。")
        for blank in ("", "  \n "):
            with pytest.raises(DomainError, match=str(refusal)):
                workflow.checked_comment(action, blank)
        assert workflow.checked_comment(action, "  理由 ") == "理由"
    for action in moves - set(workflow.comment_required):
        assert workflow.checked_comment(action, "") == ""


def test_the_review_workflow_needs_a_comment_to_return_and_to_reopen() -> None:
    assert set(REVIEW.comment_required) == {"return", "reopen"}
    assert set(workflow_for("reporting.reportinground").comment_required) == {"reopen"}
    assert set(workflow_for("tasks.supervisionnotice").comment_required) == {"respond", "reopen"}
    assert set(workflow_for("publication.publication").comment_required) == {"withdraw"}


@pytest.mark.django_db
def test_the_step_refuses_a_move_without_its_comment_before_touching_the_row() -> None:
    model = django_apps.get_model("reporting", "ReportingRound")
    workflow = workflow_for("reporting.reportinground")
    events = ReviewEvent.objects.count()
    with CaptureQueriesContext(connection) as queries, pytest.raises(DomainError, match="须填写理由"):
        workflow_step(obj=model(pk=10**6), workflow=workflow, action="reopen", actor=None,  # type: ignore[arg-type]
                      comment=" ")
    assert [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]] == []  # the atomic block's savepoint only
    assert ReviewEvent.objects.count() == events


def test_a_workflow_without_required_comments_takes_any() -> None:
    bare = Workflow(REVIEW.statuses, REVIEW.actions, REVIEW.transitions)
    assert bare.checked_comment("return", "") == ""
