from axes import apps as axes_apps
from django.contrib.admin import apps as admin_apps


class GazetteAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with gazette_site.admin.GazetteAdminSite as `admin.site` (named in
    INSTALLED_APPS; not the gazette_site app's own configuration)."""

    default = False
    default_site = "gazette_site.admin.GazetteAdminSite"


class AxesConfig(axes_apps.AppConfig):
    """django-axes (log-in lockouts), with a Chinese name in the admin."""

    default = False
    verbose_name = "登录保护"
