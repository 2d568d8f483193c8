from __future__ import annotations

from urllib.parse import urlencode

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from gazette_site.security import client_ip
from opendata import alerts
from opendata.alerts import describe, query_of
from opendata.dictionary import bulk_fields, resources
from opendata.exports import CSV_COLUMNS, downloads_dir
from opendata.models import Download, Subscription


class DataView(TemplateView):
    """/data/: the bulk downloads and the data dictionary."""

    template_name = "opendata/data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            downloads=list(Download.objects.all()),
            resources=resources(),
            bulk_fields=bulk_fields(),
            csv_columns=CSV_COLUMNS,
            **kwargs,
        )


def download(request, name: str):
    """A bulk download, streamed from its file (never built per request)."""
    row = Download.objects.filter(name=name).first()
    path = downloads_dir() / name
    if row is None or not path.is_file():
        raise Http404("没有这个下载文件。")
    response = FileResponse(path.open("rb"), as_attachment=True, filename=row.name)
    response["ETag"] = f'"{row.sha256}"'
    response["Content-Type"] = "application/zip"
    return response


# --- E-mail alerts ------------------------------------------------------------------------------


def subscribe(request):
    """GET: the form for the search in the query string; POST: take the address (a
    confirmation mail follows). Never cached: the form carries a CSRF token."""
    params = request.POST if request.method == "POST" else request.GET
    query = query_of(params)
    if params.get(alerts.UNIT_KEY) and alerts.UNIT_KEY not in query:
        raise Http404("没有这个单位。")
    context = {"alert_query": query, "label": describe(query), "search_url": _search_url(query)}
    if request.method == "POST":
        try:
            alerts.subscribe(
                email=request.POST.get("email", ""),
                params=request.POST,
                client_address=client_ip(request),
            )
        except alerts.SubscriptionRefused as error:
            context["error"] = str(error)
            context["email"] = request.POST.get("email", "")[:254]
            return render(request, "opendata/subscribe.html", context, status=400)
        return render(request, "opendata/subscribe_sent.html", context)
    return render(request, "opendata/subscribe.html", context)


def _search_url(query: dict) -> str:
    """Where the alert's notices are shown: its search, or (for a unit alone) the unit page."""
    unit = alerts.alert_unit(query)
    search = {k: v for k, v in query.items() if k != alerts.UNIT_KEY}
    if unit is not None and not search:
        return unit.get_absolute_url()
    return reverse("documents:search") + ("?" + urlencode(search) if search else "")


def _subscription(token: str) -> Subscription:
    if len(token) > 64:
        raise Http404
    return get_object_or_404(Subscription, token=token)


def confirm(request, token: str):
    """GET shows a button, POST confirms: a mail scanner that opens links confirms nothing."""
    subscription = _subscription(token)
    if request.method == "POST":
        if not subscription.confirmed_at:
            subscription.confirmed_at = timezone.now()
            subscription.save(update_fields=["confirmed_at"])
        return render(request, "opendata/confirmed.html", {"subscription": subscription})
    return render(request, "opendata/confirm.html", {"subscription": subscription})


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a form of ours
def unsubscribe(request, token: str):
    """GET shows a button; POST deletes the subscription and with it the address."""
    subscription = Subscription.objects.filter(token=token[:64]).first()
    if request.method == "POST":
        if subscription is not None:
            subscription.delete()
        return render(request, "opendata/unsubscribed.html", {})
    if subscription is None:
        return render(request, "opendata/unsubscribed.html", {}, status=404)
    return render(request, "opendata/unsubscribe.html", {"subscription": subscription})
