from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.accounts import views as accounts_views
from apps.programs import views as programs_views
from apps.publication.urls import public_urlpatterns
from apps.surveys.urls import public_urlpatterns as survey_public_urlpatterns
from config.api import api

admin.site.site_header = "生态文明建设示范区创建管理系统"
admin.site.site_title = "创建管理系统"
admin.site.index_title = "基础数据管理"

urlpatterns = [
    path("", programs_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", accounts_views.PasswordChangeView.as_view(), name="password_change"),
    path("audit/", include("apps.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("programs/", include("apps.programs.urls")),
    path("programs/", include("apps.setup.urls")),
    path("programs/", include("apps.reporting.urls")),
    path("programs/", include("apps.tasks.urls")),
    path("programs/", include("apps.planimport.urls")),
    path("programs/", include("apps.assessment.urls")),
    path("", include("apps.province.urls")),
    path("programs/", include("apps.scoring.urls")),
    path("programs/", include("apps.monitoring.urls")),
    path("programs/", include("apps.surveys.urls")),
    path("programs/", include("apps.publication.urls")),
    path("public/", include(survey_public_urlpatterns)),
    path("public/", include(public_urlpatterns)),
    path("programs/", include("apps.reports.urls")),
    path("evidence/", include("apps.evidence.urls")),
    path("", include("apps.staging.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
