from axes import apps as axes_apps
from django.contrib.admin import apps as admin_apps
from django.contrib.staticfiles import apps as staticfiles_apps


class GazetteAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with gazette_site.admin.GazetteAdminSite as `admin.site` (named in
    INSTALLED_APPS; not the gazette_site app's own configuration)."""

    default = False
    default_site = "gazette_site.admin.GazetteAdminSite"


class AxesConfig(axes_apps.AppConfig):
    """django-axes (log-in lockouts), with a Chinese name in the admin."""

    default = False
    verbose_name = "登录保护"


class StaticFilesConfig(staticfiles_apps.StaticFilesConfig):
    """django.contrib.staticfiles, leaving out of collectstatic the ReDoc bundle that
    drf-spectacular-sidecar ships beside Swagger UI: the API's documentation is Swagger UI
    alone, and ReDoc's 5 MB (its source map 3.9 MB) were a quarter of what collectstatic
    hashed and compressed."""

    default = False
    ignore_patterns = [
        *staticfiles_apps.StaticFilesConfig.ignore_patterns,
        "drf_spectacular_sidecar/redoc/*",
    ]
