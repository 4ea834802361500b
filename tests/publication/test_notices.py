"""公示 notices: the workflow, the public page, comments with their spam checks, the office's replies and the
outcome (公示结果), the API and the denied paths."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.errors import DomainError, PermissionDeniedError
from apps.publication import spam
from apps.publication.models import NoticeComment
from apps.publication.services import (
    notice_comment_add,
    notice_comment_reply,
    notice_create,
    notice_transition,
    portal_setting_set,
)


def make_notice(world, *, start: dt.date | None = None, days: int = 7, publish: bool = True, **extra):
    notice = notice_create(
        program=world.program, actor=world.users.office, title="关于甲市生态文明建设示范市创建的公示",
        scope="甲市拟申报国家生态文明建设示范市，现将有关情况予以公示。", legal_basis="《国家生态文明建设示范区管理规程》",
        columns=["区县", "拟申报称号"], rows=[["丘陵县", "省级生态县"], ["平原县", "省级生态县"]],
        start=start or timezone.localdate(), days=days, phone="0931-1234567", email="sthj@example.cn",
        address="甲市人民路1号", issuer="甲市生态文明建设示范区创建工作领导小组办公室", **extra)
    if publish:
        notice_transition(notice=notice, action="publish", actor=world.users.office)
        notice.refresh_from_db()
    return notice


def url(program, notice) -> str:
    return f"/public/{program.id}/notices/{notice.number}/"


def old_stamp(program, notice) -> str:
    return spam.form_stamp(f"{program.id}:{notice.number}", at=time.time() - 30)


def post_comment(client, program, notice, *, body="建议补充各县区的水质监测数据。", stamp=None, ip="203.0.113.5",
                 **extra):
    data = {"body": body, "name": "张先生", "contact": "13800000000", "website": "",
            "stamp": old_stamp(program, notice) if stamp is None else stamp, **extra}
    return client.post(url(program, notice) + "comment/", data, REMOTE_ADDR=ip)


def test_a_draft_is_not_public_and_numbers_follow_each_other(client, world):
    draft = make_notice(world, publish=False)
    second = make_notice(world, publish=False)
    assert (draft.number, second.number) == (1, 2)
    assert client.get(f"/public/{world.program.id}/").status_code == 404  # nothing public at all
    notice_transition(notice=draft, action="publish", actor=world.users.office)
    home = client.get(f"/public/{world.program.id}/").content.decode()
    assert "关于甲市生态文明建设示范市创建的公示" in home and "公示中" in home
    assert client.get(url(world.program, second)).status_code == 404


def test_the_public_page_shows_the_notice_and_a_form_while_open(client, world):
    notice = make_notice(world)
    html = client.get(url(world.program, notice)).content.decode()
    for text in ("公示依据", "《国家生态文明建设示范区管理规程》", "丘陵县", "省级生态县", "0931-1234567",
                 "sthj@example.cn", "甲市人民路1号", "（7天）", "提出意见"):
        assert text in html, text
    assert 'name="website"' in html and 'name="stamp"' in html and 'tabindex="-1"' in html
    # the stamp is readable (signed, not encrypted): it names the notice by the keys of its public URL only
    stamp = re.findall(r'name="stamp" value="([^"]*)"', html)[0]
    assert set(signing.loads(stamp, salt="publication.notice-comment")) == {"k", "t"}
    assert signing.loads(stamp, salt="publication.notice-comment")["k"] == f"{world.program.id}:{notice.number}"


def test_a_comment_is_stored_and_never_shown_publicly(client, world):
    notice = make_notice(world)
    response = post_comment(client, world.program, notice)
    assert response.status_code == 302 and response["Location"].endswith("?sent=1#comment")
    comment = NoticeComment.objects.get(notice=notice)
    assert comment.body == "建议补充各县区的水质监测数据。" and comment.name == "张先生"
    assert comment.ip_hash and "203.0.113.5" not in comment.ip_hash
    html = client.get(url(world.program, notice) + "?sent=1").content.decode()
    assert "意见已收到" in html and "建议补充各县区的水质监测数据" not in html and "13800000000" not in html


def test_the_honeypot_drops_the_comment_silently(client, world):
    notice = make_notice(world)
    response = post_comment(client, world.program, notice, website="http://spam.example")
    assert response.status_code == 302
    assert not NoticeComment.objects.exists()


@pytest.mark.parametrize(("stamp", "message"), [
    ("fresh", "提交过快"),
    ("", "表单无效"),
    ("forged", "表单无效"),
    ("other", "表单无效"),
    ("stale", "页面打开时间过长"),
])
def test_the_time_check_refuses_fast_forged_and_stale_forms(client, world, stamp, message):
    notice = make_notice(world)
    key = f"{world.program.id}:{notice.number}"
    stamps = {"fresh": spam.form_stamp(key), "": "", "forged": old_stamp(world.program, notice)[:-3] + "abc",
              "other": spam.form_stamp(f"{world.program.id}:99", at=time.time() - 30),
              "stale": spam.form_stamp(key, at=time.time() - spam.MAX_FORM_AGE - 5)}
    response = post_comment(client, world.program, notice, stamp=stamps[stamp])
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not NoticeComment.objects.exists()


def test_an_address_is_limited_per_hour(client, world):
    notice = make_notice(world)
    for n in range(spam.RATE_LIMIT):
        assert post_comment(client, world.program, notice, body=f"第{n}条意见，内容足够长。").status_code == 302
    refused = post_comment(client, world.program, notice, body="第六条意见，内容足够长。")
    assert refused.status_code == 429 and "过于频繁" in refused.content.decode()
    assert post_comment(client, world.program, notice, ip="198.51.100.7").status_code == 302  # another address
    assert NoticeComment.objects.count() == spam.RATE_LIMIT + 1


@pytest.mark.parametrize(("field", "value"), [("body", "太短"), ("body", "长" * 2001), ("name", "名" * 41),
                                              ("contact", "1" * 101)])
def test_comment_input_is_validated(client, world, field, value):
    notice = make_notice(world)
    response = post_comment(client, world.program, notice, **{field: value})
    assert response.status_code == 400
    assert not NoticeComment.objects.exists()


def test_comments_only_while_the_notice_is_open(client, world):
    future = make_notice(world, start=timezone.localdate() + dt.timedelta(days=2))
    past = make_notice(world, start=timezone.localdate() - dt.timedelta(days=7), days=7)  # ended yesterday
    for notice in (future, past):
        html = client.get(url(world.program, notice)).content.decode()
        assert "<form" not in html
        assert post_comment(client, world.program, notice).status_code == 400
    assert "起公示" in client.get(url(world.program, future)).content.decode()
    assert "公示期已满，公示结果待公布" in client.get(url(world.program, past)).content.decode()
    assert not NoticeComment.objects.exists()


def test_the_period_edges(world):
    today = timezone.localdate()
    notice = make_notice(world, start=today, days=7)
    assert notice.end == today + dt.timedelta(days=6)
    assert notice.is_open(today) and notice.is_open(notice.end) and not notice.is_open(notice.end + dt.timedelta(1))
    assert not notice.is_open(today - dt.timedelta(days=1))
    stamp = old_stamp(world.program, notice)
    kwargs = {"notice": notice, "body": "在最后一天提交的意见。", "ip": "1.2.3.4", "stamp": stamp,
              "stamp_key": f"{world.program.id}:{notice.number}"}
    assert notice_comment_add(**kwargs, today=notice.end) is not None
    with pytest.raises(DomainError, match="不在公示期内"):
        notice_comment_add(**kwargs, today=notice.end + dt.timedelta(days=1))


def test_the_office_answers_and_publishes_the_replies_after_the_period(client, world):
    office = world.users.office
    notice = make_notice(world)
    post_comment(client, world.program, notice)
    comment = NoticeComment.objects.get()
    with pytest.raises(DomainError, match="期满后"):
        notice_transition(notice=notice, action="conclude", actor=office)
    after = notice.end + dt.timedelta(days=1)
    with pytest.raises(DomainError, match="未答复"):
        notice_transition(notice=notice, action="conclude", actor=office, today=after)
    with pytest.raises(PermissionDeniedError):
        notice_comment_reply(comment=comment, actor=world.users.outsider, reply="答复")
    notice_comment_reply(comment=comment, actor=office, reply="已将各县区水质数据补充到公示材料中。")
    notice_transition(notice=notice, action="conclude", actor=office, statement="公示期满，现将结果公布如下。",
                      today=after)
    notice.refresh_from_db()
    assert notice.status == "concluded" and notice.outcome["kind"] == "replies" and notice.outcome["received"] == 1
    html = client.get(url(world.program, notice)).content.decode()
    assert "公示结果" in html and "已将各县区水质数据补充到公示材料中。" in html and "共收到意见1条" in html
    assert "建议补充各县区的水质监测数据" not in html and "张先生" not in html  # the comment itself stays internal
    assert "<form" not in html
    with pytest.raises(DomainError, match="不能再答复"):
        notice_comment_reply(comment=comment, actor=office, reply="再次答复")


def test_no_feedback_outcome(client, world):
    notice = make_notice(world, start=timezone.localdate() - dt.timedelta(days=10))
    notice_transition(notice=notice, action="conclude", actor=world.users.office)
    html = client.get(url(world.program, notice)).content.decode()
    assert "公众无反馈意见" in html


def test_withdrawn_notices_leave_the_portal_and_need_a_reason(client, world):
    office = world.users.office
    notice = make_notice(world)
    other = make_notice(world)
    assert client.get(url(world.program, notice)).status_code == 200
    with pytest.raises(DomainError, match="理由"):
        notice_transition(notice=notice, action="withdraw", actor=office)
    notice_transition(notice=notice, action="withdraw", actor=office, reason="名单有误")
    assert client.get(url(world.program, notice)).status_code == 404
    assert post_comment(client, world.program, notice).status_code == 404
    assert client.get(url(world.program, other)).status_code == 200


def test_only_the_office_creates_and_moves_notices(world):
    with pytest.raises(PermissionDeniedError):
        make_notice(SimpleWorld(world, world.users.reporter), publish=False)
    notice = make_notice(world, publish=False)
    for user in (world.users.leader, world.users.outsider, world.users.county):
        with pytest.raises(PermissionDeniedError):
            notice_transition(notice=notice, action="publish", actor=user)


class SimpleWorld:
    def __init__(self, world, actor) -> None:
        self.program = world.program
        self.users = type("Users", (), {"office": actor})()


def test_office_pages_and_their_denied_paths(client_for, world):
    notice = make_notice(world)
    office = client_for(world.users.office)
    assert office.get(f"/programs/{world.program.id}/public-notices/").status_code == 200
    page = office.get(f"/programs/{world.program.id}/public-notices/{notice.id}/")
    assert page.status_code == 200 and "公众意见" in page.content.decode()
    for user in (world.users.reporter, world.users.leader):
        other = client_for(user)
        assert other.get(f"/programs/{world.program.id}/public-notices/").status_code == 403
        assert other.get(f"/programs/{world.program.id}/public-notices/{notice.id}/").status_code == 403
    outsider = client_for(world.users.outsider)
    assert outsider.get(f"/programs/{world.program.id}/public-notices/{notice.id}/").status_code in (403, 404)


def test_the_office_creates_publishes_and_answers_through_the_pages(client_for, client, world):
    office = client_for(world.users.office)
    start = timezone.localdate()
    response = office.post(f"/programs/{world.program.id}/public-notices/", {
        "title": "页面创建的公示", "scope": "公示内容", "legal_basis": "", "list_text": "区县|称号\n丘陵县|省级生态县",
        "start": start.isoformat(), "days": 5, "phone": "0931-1", "email": "", "address": "", "issuer": "甲市生态办"})
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = world.program.public_notices.get(title="页面创建的公示")
    assert notice.columns == ["区县", "称号"] and notice.rows == [["丘陵县", "省级生态县"]]
    step = f"/programs/{world.program.id}/public-notices/{notice.id}/step/"
    assert office.post(step, {"action": "publish", "version": notice.version}).status_code == 302
    post_comment(client, world.program, notice)
    comment = NoticeComment.objects.get()
    reply = f"/programs/{world.program.id}/public-notices/{notice.id}/comments/{comment.id}/reply/"
    assert office.post(reply, {"reply": "谢谢，已采纳。"}).status_code == 302
    comment.refresh_from_db()
    assert comment.reply == "谢谢，已采纳。"
    assert client_for(world.users.leader).post(reply, {"reply": "越权"}).status_code == 403


def test_the_api_creates_moves_lists_comments_and_replies(client_for, client, world):
    api = client_for(world.users.office)
    base = f"/api/programs/{world.program.id}/public-notices"
    response = api.post(base, data={
        "title": "API 公示", "scope": "内容", "columns": ["区县"], "rows": [["丘陵县"]],
        "start": timezone.localdate().isoformat(), "days": 7, "email": "a@example.cn", "issuer": "甲市生态办"},
        content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft" and created["end"]
    moved = api.post(f"{base}/{created['id']}/transition", data={"action": "publish", "expected_version": 1},
                     content_type="application/json")
    assert moved.json()["status"] == "published"
    notice = world.program.public_notices.get(pk=created["id"])
    post_comment(client, world.program, notice)
    comments = api.get(f"{base}/{notice.id}/comments").json()
    assert comments[0]["body"] == "建议补充各县区的水质监测数据。"
    answered = api.put(f"{base}/{notice.id}/comments/{comments[0]['id']}/reply", data={"reply": "已答复"},
                       content_type="application/json")
    assert answered.json()["reply"] == "已答复"
    denied = client_for(world.users.reporter).get(f"{base}/{notice.id}/comments")
    assert denied.status_code == 403


def test_notice_page_queries_are_constant(client, world):
    notice = make_notice(world)
    client.get(url(world.program, notice))
    with CaptureQueriesContext(connection) as one:
        assert client.get(url(world.program, notice)).status_code == 200
    for _n in range(5):
        make_notice(world)
    client.get(url(world.program, notice))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(world.program, notice)).status_code == 200
    assert len(one) == len(many) <= 2


def test_a_slug_opens_the_same_portal_and_ids_still_work(client, world):
    notice = make_notice(world)
    portal_setting_set(program=world.program, actor=world.users.office, status="creating", slug="jiashi")
    assert client.get("/public/jiashi/").status_code == 200
    html = client.get(f"/public/{world.program.id}/").content.decode()
    assert f'href="/public/jiashi/notices/{notice.number}/"' in html  # links use the slug
    assert client.get(f"/public/jiashi/notices/{notice.number}/").status_code == 200
    assert client.get("/public/nobody/").status_code == 404
    with pytest.raises(DomainError, match="短名"):
        portal_setting_set(program=world.program, actor=world.users.office, status="creating", slug="12345")
    with pytest.raises(DomainError, match="已被使用"):
        portal_setting_set(program=world.other_program, actor=world.users.outsider, status="creating", slug="jiashi")


LINK = re.compile(r'(?:href|src|action)="([^"]*)"')


def test_the_notice_page_links_only_into_the_portal_and_shows_no_internal_id(client, world):
    notice = make_notice(world)
    post_comment(client, world.program, notice)
    comment = NoticeComment.objects.get()
    html = client.get(url(world.program, notice)).content.decode()
    for link in LINK.findall(html):
        assert link.startswith((f"/public/{world.program.id}/", "/static/", "#")), link
    assert "/programs/" not in html and "/api/" not in html
    allowed = re.compile(rf"(notices/{notice.number}/(comment/)?)?")  # the notice's public number, no row id
    for link in LINK.findall(html):
        if link.startswith(f"/public/{world.program.id}/"):
            assert allowed.fullmatch(link.removeprefix(f"/public/{world.program.id}/")), link
    assert comment.ip_hash not in html


def test_the_comment_route_is_the_portal_s_only_post(client, world):
    notice = make_notice(world)
    for page in (f"/public/{world.program.id}/", url(world.program, notice)):
        assert client.post(page).status_code == 405
    assert client.get(url(world.program, notice) + "comment/").status_code == 405
