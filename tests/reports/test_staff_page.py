"""The staff page of reports: choosing a report sends to its download; a branch librarian
downloads her branch's report and not another branch's nor the network's; the monitoring
group downloads the network's and the branches' (they hold no personal data); a statutory
form is shown on a page."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse


def _annual(code: str | None, fmt: str = "csv", year: int = 2026) -> str:
    if code is None:
        return reverse("staff:reports:annual_network", kwargs={"year": year, "fmt": fmt})
    return reverse("staff:reports:annual_branch", kwargs={"code": code, "year": year, "fmt": fmt})


def test_choosing_a_report_sends_to_its_download_in_the_chosen_language(client, everything, central_librarian):
    client.force_login(central_librarian)
    page = client.get(reverse("staff:reports:start"))
    assert page.status_code == 200
    # A branch librarian is offered her branch only.
    assert b'value="central"' in page.content and b'value="network"' not in page.content
    chosen = client.get(
        reverse("staff:reports:start"),
        {"document": "annual", "year": 2026, "scope": "central", "fmt": "xlsx", "language": "uk"},
    )
    assert chosen.status_code == 302
    assert chosen["Location"] == _annual("central", "xlsx") + "?language=uk"
    download = client.get(chosen["Location"])
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="annual-report-2026-central.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    assert len(book.sheetnames) == 4


def test_a_report_the_librarian_may_not_have_is_not_offered(client, everything, central_librarian):
    client.force_login(central_librarian)
    chosen = client.get(
        reverse("staff:reports:start"),
        {"document": "annual", "year": 2026, "scope": "riverside", "fmt": "csv", "language": "en"},
    )
    assert chosen.status_code == 200 and b"errorlist" in chosen.content


def test_a_branch_librarian_cannot_download_another_branchs_or_the_networks_report(
    client, everything, central_librarian
):
    client.force_login(central_librarian)
    assert client.get(_annual("riverside")).status_code == 403
    assert client.get(_annual(None)).status_code == 403
    form = reverse("staff:reports:form_branch", kwargs={"form": "6nk", "code": "riverside", "year": 2026, "fmt": "csv"})
    assert client.get(form).status_code == 403
    assert client.get(_annual("central")).status_code == 200


def test_the_monitoring_group_downloads_the_network_and_branch_reports(client, everything, monitor):
    client.force_login(monitor)
    for code in (None, "central", "riverside"):
        response = client.get(_annual(code))
        assert response.status_code == 200, code
        assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_a_pdf_download_is_a_pdf(client, everything, manager):
    client.force_login(manager)
    response = client.get(_annual(None, "pdf") + "?language=zh-hans")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_an_unknown_format_is_not_found(client, everything, manager, fmt):
    client.force_login(manager)
    assert client.get(_annual(None, fmt)).status_code == 404


def test_a_statutory_form_is_shown_on_a_page_with_missing_values_marked(client, everything, manager):
    client.force_login(manager)
    url = reverse("staff:reports:form_network", kwargs={"form": "imls-pls", "year": 2026, "fmt": "page"})
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "PHYSCIR" in text and "<em>missing</em>" in text
    assert reverse("staff:reports:form_network", kwargs={"form": "imls-pls", "year": 2026, "fmt": "xlsx"}) in text
    unknown = reverse("staff:reports:form_network", kwargs={"form": "27b", "year": 2026, "fmt": "page"})
    assert client.get(unknown).status_code == 404
