"""The timeline in a real browser: no phase title or milestone label overlaps another label (issue #12), at
1366 px and at 360 px, and the task groups are headings that fold."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from apps.programs.models import Milestone, Phase
from apps.tasks import services
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Every pair of labels (phase titles and milestone labels) whose boxes overlap, every label not wholly inside
#: its track (cut off by the axis' ends) and every label whose box is narrower than its text.
OVERLAPS = """() => {
  const labels = [...document.querySelectorAll('.gantt .tl-label')];
  const boxes = labels.map(el => [el.textContent, el.getBoundingClientRect(), el.closest('.track').getBoundingClientRect()]);
  const problems = [];
  for (const [text, box, track] of boxes)
    if (box.left < track.left - 0.5 || box.right > track.right + 0.5) problems.push(`${text} leaves its track`);
  for (const el of labels)
    if (el.scrollWidth > el.clientWidth) problems.push(`${el.textContent} is cut short`);
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, p] = boxes[i], [b, q] = boxes[j];
    if (p.left < q.right - 0.5 && q.left < p.right - 0.5 && p.top < q.bottom - 0.5 && q.top < p.bottom - 0.5)
      problems.push(`${a} overlaps ${b}`);
  }
  return [labels.length, problems];
}"""


def _crowded_plan(world: SimpleNamespace) -> None:
    """Short phases with long names and milestones a few days apart, as a real plan has them around a review."""
    program, d = world.program, dt.date
    phases = [("全面启动阶段（宣传发动与任务分解）", d(2025, 1, 1), d(2025, 3, 31)),
              ("建设提高", d(2025, 4, 1), d(2025, 5, 15)),
              ("核查验收与迎检准备阶段", d(2025, 5, 16), d(2025, 6, 30)),
              ("巩固提升", d(2025, 7, 1), d(2027, 12, 31))]
    for order, (name, start, end) in enumerate(phases):
        phase = Phase.objects.create(program=program, name=name, start=start, end=end, order=order)
        for k in range(4):
            Milestone.objects.create(phase=phase, title=f"{name[:4]}节点{k + 1}：召开推进会并报送工作进展",
                                     due=start + dt.timedelta(days=3 * k))
    Milestone.objects.create(phase=phase, title="迎接生态环境部现场核查", due=d(2027, 12, 31))
    group = services.task_create(program=program, number="（一）", title="目标责任体系与制度建设")
    for i in range(3):
        services.task_create(program=program, parent=group, number=f"{i + 1}.", title=f"任务{i + 1}",
                             leads=[world.units["市生态环境局"]], start=d(2025, 1, 1), deadline=d(2026, 6, 30 - i),
                             milestones=[("节点", d(2025, 6, 1))])


def test_timeline_labels_never_overlap(world, browser_page):
    _crowded_plan(world)
    page = browser_page
    browser_login(page, "office")
    page.wait_for_load_state("networkidle")
    url = f"{page.base_url}/programs/{world.program.id}/timeline/"
    for width in (1366, 360):
        page.set_viewport_size({"width": width, "height": 768})
        page.goto(url)
        count, problems = page.evaluate(OVERLAPS)
        assert count == 4 + 17, count  # every phase title and every milestone label is drawn
        assert problems == [], (width, problems)
        lanes = page.evaluate("() => new Set([...document.querySelectorAll('.tl-program-milestone')]"
                              ".map(el => el.style.top)).size")
        assert lanes > 1  # the crowded milestones needed more than one lane
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width  # only the chart scrolls
    # the group is a heading that folds its tasks away
    page.set_viewport_size({"width": 1366, "height": 768})
    assert page.locator(".gantt details.tsec .row.k-task").first.is_visible()
    page.locator(".gantt details.tsec > summary").first.click(position={"x": 5, "y": 5})
    assert not page.locator(".gantt details.tsec .row.k-task").first.is_visible()
