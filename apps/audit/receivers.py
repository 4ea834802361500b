"""Logins, failed logins, lockouts (django-axes) and logouts, recorded from the signals that announce them."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .models import AuditAction
from .services import actor_home_region_id, record


def _named_user(username: str) -> Any:
    """The user a failed login named, if there is one (its office sees the attempt); else None."""
    if not username:
        return None
    return get_user_model()._default_manager.filter(username=username).first()


def _failed(action: str, username: str, request: HttpRequest | None, **details: Any) -> None:
    named = _named_user(username)
    record(None, action, named, request=request, actor_name=username,
           region_id=actor_home_region_id(named) if named is not None else None, **details)


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:  # noqa: ARG001
    record(user, AuditAction.LOGIN, request=request, path=request.path if request is not None else "")


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:  # noqa: ARG001
    if user is not None:
        record(user, AuditAction.LOGOUT, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,  # noqa: ARG001
                    **kwargs: Any) -> None:
    # Every refused login, a refusal of a locked-out one too (which is recorded as a lockout besides).
    _failed(AuditAction.LOGIN_FAILED, str(credentials.get("username") or ""), request,
            path=request.path if request is not None else "")


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def on_lockout(sender: Any, request: HttpRequest, username: str | None, ip_address: str | None,  # noqa: ARG001
               **kwargs: Any) -> None:
    _failed(AuditAction.LOCKOUT, username or "", request, path=request.path)
