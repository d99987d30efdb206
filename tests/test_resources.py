from __future__ import annotations

import resources


def test_every_shipped_resource_can_be_read() -> None:
    files = resources.all_resources()
    assert files, "no resources found"
    for node in files:
        assert node.read_bytes() is not None


def test_fonts_cover_vietnamese() -> None:
    from reportlab.pdfbase.ttfonts import TTFont

    for style in resources.FONT_FILES:
        font = TTFont(f"probe-{style}", str(resources.font_path(style)))
        for ch in "ĂÂĐÊÔƠƯăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ":
            assert ord(ch) in font.face.charToGlyph, f"{style} lacks {ch!r}"
