"""The password change page: Django's view and form (the configured password validators), audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from apps.audit.models import AuditAction
from apps.audit.services import record


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        form.user.must_change_password = False  # saved with the new password: the initial one is gone
        response = super().form_valid(form)  # saves, and keeps this session logged in
        record(self.request.user, AuditAction.PASSWORD_CHANGE, request=self.request)
        messages.success(self.request, _("密码已修改。"))
        return response
