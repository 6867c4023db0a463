"""Makes fonts/NotoSansSC-subset.otf: Noto Sans CJK SC Regular cut to the characters the bot
draws. Run from the repository's root:

    apt-get download fonts-noto-cjk        # Debian bookworm: 1:20220127+repack1-1
    dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto
    pip install fonttools
    python3 crates/picture/fonts/make-subset.py \
        /tmp/noto/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

It keeps the 6,763 hanzi and every symbol of GB 2312, Latin, Greek and Cyrillic, the
punctuation, mathematical operators and full-width forms, and every character of responses/ (the corpus and the UI),
so that anything the bot says or quotes is drawn. A character outside it is drawn as a visible
"?" (crates/picture), never as an empty box. The font is under the SIL Open Font License 1.1
(fonts/OFL.txt), as the original.
"""

import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

SC = 2  # the collection's Noto Sans CJK SC


def gb2312():
    """Every character GB 2312 encodes (its rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def ranges():
    spans = [
        (0x0020, 0x007E),  # ASCII
        (0x00A0, 0x024F),  # Latin-1, Latin Extended-A and -B
        (0x0370, 0x03FF),  # Greek
        (0x0400, 0x04FF),  # Cyrillic
        (0x2000, 0x206F),  # general punctuation: “ ” … ‘ ’ — ·
        (0x2190, 0x21FF),  # arrows
        (0x2200, 0x22FF),  # mathematical operators: the minus sign of a swing (−17) and ≤ ≥ ≠ ≈
        (0x2460, 0x24FF),  # enclosed numbers
        (0x25A0, 0x25FF),  # geometric shapes
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0xFF00, 0xFFEF),  # full-width forms
    ]
    return {chr(c) for start, end in spans for c in range(start, end + 1)}


def corpus(root):
    chars = set()
    for path in pathlib.Path(root, "responses").rglob("*"):
        if path.is_file():
            chars |= set(path.read_text(encoding="utf-8"))
    return {c for c in chars if c.isprintable()}


def main():
    source = sys.argv[1]
    root = pathlib.Path(__file__).resolve().parents[3]
    wanted = gb2312() | ranges() | corpus(root)
    font = TTCollection(source).fonts[SC]
    options = subset.Options()
    options.layout_features = ["kern", "palt", "vert"]
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in wanted])
    subsetter.subset(font)
    out = pathlib.Path(__file__).with_name("NotoSansSC-subset.otf")
    font.save(out)
    print(f"{out}: {out.stat().st_size} bytes, {len(wanted)} characters asked")


main()
