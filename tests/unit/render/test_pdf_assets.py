"""What WeasyPrint may fetch while it renders a PDF (`cpdgen.render.pdf_assets`
and the fetcher of `cpdgen.render.pdf`): the PDF assets, a member's own first,
and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def assets(tmp_path: Path):
    from cpdgen.render.pdf_assets import PdfAssets

    member = tmp_path / "member"
    (member / "site_templates" / "pdf").mkdir(parents=True)
    (member / "site_templates" / "pdf" / "pdf.css").write_text("/* the member's */ body { color: red }")
    (member / "site_templates" / "pdf" / "leak.css").symlink_to("/etc/passwd")
    (member / "secret.txt").write_text("secret")
    return PdfAssets(member)


def test_the_fetcher_serves_the_pdf_assets_member_first(assets):
    from cpdgen.render.pdf_assets import PdfAssets

    asset = assets.fetch(assets.base_url() + "pdf.css")
    assert asset.data.startswith(b"/* the member's */") and asset.mime_type == "text/css"
    builtin = PdfAssets(None).fetch(PdfAssets(None).base_url() + "pdf.css")
    assert b"@page" in builtin.data


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/style.css",
        "https://example.org/font.woff2",
        "ftp://example.org/x",
        "data:text/css,body{}",
        "file:///etc/passwd",
        "file://evil.example/share/x.css",
        "BASE../../../../../../etc/passwd",
        "BASE..%2F..%2F..%2Fsecret.txt",
        "BASE../../secret.txt",
        "BASEleak.css",
        "BASEmissing.css",
    ],
)
def test_the_fetcher_refuses_everything_else(assets, url: str):
    from cpdgen.render.pdf import weasy_fetcher
    from cpdgen.render.pdf_assets import AssetRefused

    url = url.replace("BASE", assets.base_url())
    with pytest.raises(AssetRefused):
        assets.fetch(url)
    with pytest.raises(AssetRefused):
        weasy_fetcher(assets)(url)
