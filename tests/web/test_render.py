"""Templates escape what they print: only Rempart's own language spans are marked safe."""

from rempart.pages.render import both, both_markup, render


def test_values_printed_by_a_template_are_escaped() -> None:
    page = render("protect.html", lang='"><script>alert(1)</script>', opencv_js="x.js")
    assert "<script>alert(1)</script>" not in page and "&#34;&gt;&lt;script&gt;" in page
    assert page.count('<span class="en">') == page.count('<span class="fr">') > 20


def test_both_escapes_and_only_both_markup_keeps_tags() -> None:
    # not in the catalogue: shown as it is in both spans, escaped
    assert (
        str(both("<b>a</b>")) == '<span class="en">&lt;b&gt;a&lt;/b&gt;</span>'
        '<span class="fr">&lt;b&gt;a&lt;/b&gt;</span>'
    )
    assert str(both("Check")) == '<span class="en">Check</span><span class="fr">Vérifier</span>'
    helpline = str(
        both_markup(
            "In France, call or write to <strong>3018</strong> (free, "
            "anonymous, 7 days a week, 3018.fr). In danger: call 17 or 112."
        )
    )
    assert helpline.count("<strong>3018</strong>") == 2 and "appelez le 17" in helpline
