"""The admin speaks Chinese on every page staff open, Django's and django-axes' included."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import RequestFactory
from django.urls import reverse

from documents.tests.factories import PUBLISHER, make_notice

# Words that are names, not language: formats, protocols, the products staff see by name.
ALLOWED = {"ID", "IP", "HTTP", "GET", "POST", "SHA", "PDF", "CSV", "UTF", "GB", "JSON", "URL"}
ALLOWED |= {"root", "Django", "WPS", "Excel", "Tab", "Accept", "MB", "publish_due", "manage", "py"}
ALLOWED |= {"Control", "Command", "Mac"}  # keys named in Django's own help for multiple choice
ALLOWED |= {"LDAP"}  # named in the password field's help


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts: list[str] = []

    SKIPPED = ("script", "style", "option", "code", "bdi")  # bdi: a password hash's parts

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    words = set(re.findall(r"[A-Za-z][A-Za-z_]{2,}", " ".join(parser.parts)))
    return {w for w in words if w not in ALLOWED}


@pytest.mark.django_db
def test_every_changelist_and_form_of_the_admin_is_in_chinese(client):
    root = User.objects.create_superuser("root", password="root-password-42")
    make_notice()
    client.force_login(root)
    request = RequestFactory().get("/admin/")
    request.user = root
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    urls.append(reverse("admin:auth_user_change", args=[root.pk]))
    urls.append(reverse("admin:auth_group_change", args=[Group.objects.get(name=PUBLISHER).pk]))
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if words := english_words(response.content.decode()):
            found[url] = sorted(words)
    assert found == {}
