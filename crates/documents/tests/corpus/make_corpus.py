#!/usr/bin/env python3
"""Writes the corpus of "mục lục hồ sơ" workbooks Kho's importer is tested against, and
`expected.json`, the parse each file should give (see README.md beside this script).

    pip install openpyxl==3.1.5 && python3 make_corpus.py

Deterministic: fixed random seeds, fixed workbook properties (created/modified) and fixed
timestamps on every zip entry, so running it again rewrites the same bytes (with the same
openpyxl and zlib). Writes only into the folder it sits in (and its `hostile/` subfolder).
"""
import csv
import datetime
import io
import json
import os
import random
import re
import unicodedata
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTILE = os.path.join(HERE, "hostile")
FIXED_TIME = datetime.datetime(2024, 1, 2, 8, 30, 0)
ZIP_TIME = (2024, 1, 2, 8, 30, 0)

TNR = Font(name="Times New Roman", size=13)
BOLD = Font(name="Times New Roman", size=13, bold=True)
TITLE = Font(name="Times New Roman", size=14, bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

EXPECTED = {}


# ------------------------------------------------------------------ helpers --

def nfc(s):
    return unicodedata.normalize("NFC", s)


def clean(s):
    """NFC, whitespace runs (NBSP included) collapsed to one space, trimmed."""
    return " ".join(nfc(s).split())


def retention_of(text):
    t = clean(text)
    if t.lower() in ("vĩnh viễn", "vv"):
        return "Vĩnh viễn"
    years = t.lower().replace("năm", "").strip()
    assert years.isdigit(), text
    return f"{int(years)} năm"


def dmy(d):
    return d.strftime("%d/%m/%Y")


def my(d):
    return d.strftime("%m/%Y")


def dossier(row, number, box, notation, title, start, end, retention, sheets, pages=None, note=None, group=None):
    notation = clean(notation) if notation is not None else ""
    note = clean(note) if note is not None else ""
    return {
        "row": row,
        "number": number,
        "box": box,
        "notation": notation or None,
        "title": clean(title),
        "start": start,
        "end": end,
        "retention": retention,
        "sheets": sheets,
        "pages": pages,
        "note": note or None,
        "group": clean(group) if group is not None else None,
    }


def repack(data, edits=None, extra=()):
    """The zip again with fixed entry timestamps; `edits` maps entry name → bytes → bytes,
    `extra` adds (name, bytes) entries at the end."""
    edits = edits or {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        missing = set(edits) - set(z.namelist())
        assert not missing, f"nothing to edit: {missing}"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename in edits:
                content = edits[info.filename](content)
            zi = zipfile.ZipInfo(info.filename, ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, content)
        for name, content in extra:
            zi = zipfile.ZipInfo(name, ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, content)
    return out.getvalue()


INLINE = re.compile(r'<c ([^>]*?) t="inlineStr"><is>(<t[^>]*>.*?</t>|<t[^>]*/>)</is></c>', re.S)


def shared_strings(data):
    """openpyxl 3.1 writes every string inline (t="inlineStr"); Excel keeps them in
    xl/sharedStrings.xml. Move them there, so the corpus reads like Excel's files."""
    table, order, refs = {}, [], 0
    sheets = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        for name in names:
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                def to_shared(m):
                    nonlocal refs
                    refs += 1
                    if m.group(2) not in table:
                        table[m.group(2)] = len(order)
                        order.append(m.group(2))
                    return f'<c {m.group(1)} t="s"><v>{table[m.group(2)]}</v></c>'
                sheets[name] = INLINE.sub(to_shared, z.read(name).decode("utf-8")).encode("utf-8")
    if not order:
        return data
    assert "xl/sharedStrings.xml" not in names
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{refs}" uniqueCount="{len(order)}">'
           + "".join(f"<si>{t}</si>" for t in order) + "</sst>").encode("utf-8")

    def types(xml):
        part = ('<Override PartName="/xl/sharedStrings.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
        return xml.decode("utf-8").replace("</Types>", part + "</Types>").encode("utf-8")

    def rels(xml):
        rel = ('<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
               'Target="sharedStrings.xml" Id="rIdSst1"/>')
        return xml.decode("utf-8").replace("</Relationships>", rel + "</Relationships>").encode("utf-8")

    edits = {name: (lambda xml, b=b: b) for name, b in sheets.items()}
    edits["[Content_Types].xml"] = types
    edits["xl/_rels/workbook.xml.rels"] = rels
    return repack(data, edits, extra=[("xl/sharedStrings.xml", sst)])


def xlsx_bytes(wb, edits=None, extra=()):
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "Kho corpus"
    wb.properties.lastModifiedBy = "Kho corpus"
    buf = io.BytesIO()
    archive = zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    # openpyxl's save_workbook() stamps `modified` with the current time; the writer does not.
    ExcelWriter(wb, archive).save()
    return repack(shared_strings(buf.getvalue()), edits, extra)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def put(ws, row, col, value, font=TNR, fmt=None, align=None):
    c = ws.cell(row=row, column=col, value=value)
    c.font = font
    if fmt:
        c.number_format = fmt
    if align:
        c.alignment = align
    return c


def put_row(ws, row, values, font=TNR):
    for i, v in enumerate(values, 1):
        if v is not None and v != "":
            put(ws, row, i, v, font)


def title_rows(ws, lines, width, font=TITLE):
    """Title lines, each merged across the table width, from row 1."""
    for r, text in enumerate(lines, 1):
        if text:
            put(ws, r, 1, text, font, align=CENTER)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)


def one_row_header(ws, row, labels):
    for c, h in enumerate(labels, 1):
        put(ws, row, c, h, BOLD, align=CENTER)


def group_row(ws, row, text, width, col=1):
    put(ws, row, col, text, BOLD)
    if col == 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def new_book(first_sheet):
    wb = Workbook()
    ws = wb.active
    ws.title = first_sheet
    return wb, ws


# ------------------------------------------------------------------- TCVN3 --
# Inverse of TCVN3_A0 in crates/documents/src/legacy.rs (bytes 0xA0..0xFF; NUL = no letter).

TCVN3_A0 = (
    "\0ĂÂÊÔƠƯĐăâêôơưđ\0"
    "\0\0\0\0\0àảãáạ\0ằẳẵắ\0"
    "\0\0\0\0\0\0ặầẩẫấậè\0ẻẽ"
    "éẹềểễếệìỉ\0\0\0ĩíịò"
    "\0ỏõóọồổỗốộờởỡớợù"
    "\0ủũúụừửữứựỳỷỹýỵ\0"
)
assert len(TCVN3_A0) == 96
CP1252_80 = "€\0‚ƒ„…†‡ˆ‰Š‹Œ\0Ž\0\0‘’“”•–—˜™š›œ\0žŸ"
assert len(CP1252_80) == 32


def tcvn3_letter(b):
    if 0xA0 <= b <= 0xFF:
        c = TCVN3_A0[b - 0xA0]
        return None if c == "\0" else c
    return None


TCVN3_CODE = {}
for _b in range(0xFF, 0xA0, -1):  # lowest byte wins, like legacy.rs's test encoder
    if tcvn3_letter(_b):
        TCVN3_CODE[tcvn3_letter(_b)] = _b


def to_tcvn3(text):
    """Unicode → TCVN3 bytes as Latin-1 chars (how Excel stores .VnTime text). Accented
    capitals have no TCVN3 code: the lowercase code is used, as ABC/Unikey do."""
    out = []
    for c in nfc(text):
        if ord(c) < 0x80:
            out.append(c)
        elif c in TCVN3_CODE:
            out.append(chr(TCVN3_CODE[c]))
        elif c.lower() in TCVN3_CODE:
            out.append(chr(TCVN3_CODE[c.lower()]))
        else:
            raise ValueError(f"{c!r} has no TCVN3 code")
    return "".join(out)


def _units(s):
    out = []
    for c in s:
        if ord(c) <= 0xFF:
            out.append(("b", ord(c)))
        elif c in CP1252_80.replace("\0", ""):
            out.append(("b", 0x80 + CP1252_80.index(c)))
        else:
            out.append(("o", c))
    return out


def _case(c):
    return "L" if c.islower() else "U" if c.isupper() else "N"


def tcvn3_to_unicode(s):
    """Port of legacy::tcvn3_to_unicode (case recovery for .VnTimeH text), to check the corpus."""
    v = []
    for kind, x in _units(s):
        if kind == "o":
            v.append([x, _case(x)])
            continue
        letter = tcvn3_letter(x)
        if letter and x <= 0xA7:
            v.append([letter, "U"])
        elif letter:
            v.append([letter, "E"])
        elif chr(x).isascii() and chr(x).isalpha():
            v.append([chr(x), _case(chr(x))])
        else:
            w = CP1252_80[x - 0x80] if 0x80 <= x <= 0x9F and CP1252_80[x - 0x80] != "\0" else chr(x)
            v.append([w, "N"])

    def split(items, sep):
        part, parts = [], []
        for it in items:
            if sep(it):
                parts.append(part)
                part = []
            else:
                part.append(it)
        parts.append(part)
        return parts

    def capitalize(run):
        for it in run:
            if it[1] == "E":
                it[0] = it[0].upper()
                it[1] = "U"

    for line in split(v, lambda it: it[0] in "\n\r"):
        lower = any(k == "L" for _, k in line)
        upper = sum(1 for _, k in line if k == "U")
        if not lower and upper >= 2:
            capitalize(line)
            continue
        for word in split(line, lambda it: it[1] == "N"):
            lower = any(k == "L" for _, k in word)
            inner = any(k == "U" for _, k in word[1:])
            if not lower and inner:
                capitalize(word)
    return nfc("".join(c for c, _ in v))


def tcvn3_detected(s):
    """Port of the TCVN3 half of legacy::detect: would this cell alone be read as TCVN3?"""
    u = _units(s)
    if any(k == "o" for k, _ in u):
        return False
    b = [x for _, x in u]
    if all(c < 0x80 for c in b):
        return False

    def at(i):
        return b[i] if 0 <= i < len(b) else None

    def is_letter(c):
        return c is not None and ((c < 0x80 and chr(c).isalpha()) or tcvn3_letter(c) is not None)

    def upper(c):
        return c is not None and c < 0x80 and chr(c).isupper()

    strong = weak = miss = 0
    for i, c in enumerate(b):
        prev = at(i - 1)
        if c < 0xA1:
            continue
        if tcvn3_letter(c):
            in_word = is_letter(prev) or is_letter(at(i + 1))
            symbol_zone = c <= 0xBE and c not in (0xAB, 0xBB)
            if 0xC0 <= c <= 0xDE:
                flip = prev is not None and prev < 0x80 and chr(prev).islower()
            else:
                flip = upper(prev) and (upper(at(i + 1)) or upper(at(i - 2)))
            if (symbol_zone and in_word) or flip:
                strong += 1
            else:
                weak += 1
        else:
            miss += 1
    letters = strong + weak
    return strong >= 1 and 5 * strong >= letters and 5 * miss <= letters


TCVN3_WORDS = []  # (unicode, tcvn3, detected alone) for the report


def tcvn3_h(text):
    """`text` (capitals) as typed in .VnTimeH without Caps Lock: every byte is the lowercase
    .VnTime code; only the font makes it capitals, so only the font tells the case."""
    assert text == text.upper()
    enc = to_tcvn3(text.lower())
    assert tcvn3_to_unicode(enc).upper() == nfc(text), enc
    TCVN3_WORDS.append((nfc(text), enc, tcvn3_detected(enc)))
    return enc


def tcvn3(text, exact=True):
    """TCVN3 for `text`, checked to read back as `text` (headers: up to case, since "Sè TT"
    has no lowercase letter and reads as "SỐ TT" — still the Số TT column)."""
    enc = to_tcvn3(text)
    back = tcvn3_to_unicode(enc)
    same = back == nfc(text) if exact else back.lower() == nfc(text).lower()
    assert same, f"{text!r} → {enc!r} → {back!r}"
    TCVN3_WORDS.append((nfc(text), enc, tcvn3_detected(enc)))
    return enc


# ============================================================ 01 district ==

def make_01():
    name = "01-huyen-tieu-de-gop.xlsx"
    wb, ws = new_book("MLHS")
    D = datetime.date
    # (notation, title, kind, start, end, retention, sheets, note)
    # kind: dmy/my = Excel date cell with that format; year = plain number; text = text cells.
    groups = [
        ("I. TỔNG HỢP", [4, 4], [
            ("TH.01", "Tập nghị quyết của Hội đồng nhân dân huyện năm 2013", "dmy", D(2013, 1, 10), D(2013, 12, 25), "Vĩnh viễn", 86, None),
            ("TH.02", "Chương trình, kế hoạch công tác năm 2013 của UBND huyện", "my", D(2013, 5, 1), D(2013, 12, 1), "VV", 45, None),
            ("TH.03", "Báo cáo tổng kết công tác năm 2013 của UBND huyện", "dmy", D(2013, 12, 2), D(2013, 12, 30), "Vĩnh viễn", 32, None),
            ("01/HS", "Hồ sơ hội nghị tổng kết công tác năm 2013", "dmy", D(2014, 1, 8), D(2014, 1, 8), "10", 27, "Thiếu ảnh hội nghị"),
            ("02/HS", "Hồ sơ tiếp xúc cử tri trước kỳ họp thứ 8 Hội đồng nhân dân huyện", "my", D(2014, 6, 1), D(2014, 7, 1), "20 năm", 54, None),
            ("TH.04", "Tập báo cáo tháng của UBND huyện năm 2014", "dmy", D(2014, 1, 31), D(2014, 12, 31), "10", 118, None),
            ("TH.05", "Tập công văn trao đổi về công tác tổng hợp năm 2014", "dmy", D(2014, 1, 6), D(2014, 12, 29), "5 năm", 140, None),
            ("TH.06", "Sổ ghi biên bản họp giao ban UBND huyện năm 2014", "my", D(2014, 1, 1), D(2014, 12, 1), "Vĩnh viễn", 96, None),
        ]),
        ("II. TỔ CHỨC - CÁN BỘ", [5, 4], [
            ("01.TCCB", "Tập quyết định về tổ chức bộ máy các phòng chuyên môn năm 2014", "dmy", D(2014, 2, 15), D(2014, 11, 20), "VV", 63, None),
            ("02.TCCB", "Tập quyết định nâng lương cán bộ, công chức năm 2014", "dmy", D(2014, 3, 10), D(2014, 12, 26), "Vĩnh viễn", 77, None),
            ("03.TCCB", "Hồ sơ thi tuyển công chức năm 2016", "year", 2016, 2016, "20 năm", 210, None),
            ("TC 01", "Hồ sơ thi đua, khen thưởng năm 2015", "dmy", D(2015, 1, 12), D(2015, 12, 30), "10", 89, None),
            ("TC 02", "Danh sách cán bộ, công chức được khen thưởng năm 2016", "text", "3/2016", "9/2016", "20 năm", 15, None),
            ("04.TCCB", "Hồ sơ kỷ luật cán bộ năm 2015", "dmy", D(2015, 5, 4), D(2015, 8, 18), "VV", 38, None),
            ("04.TCCB", "Hồ sơ nghỉ hưu của cán bộ, công chức năm 2015", "dmy", D(2015, 6, 5), D(2015, 12, 28), "20 năm", 52, None),
            ("05.TCCB", "Tập báo cáo thống kê số lượng, chất lượng cán bộ năm 2015", "my", D(2015, 1, 1), D(2015, 12, 1), "10", 41, None),
            ("06.TCCB", "Hồ sơ đào tạo, bồi dưỡng cán bộ năm 2015", "dmy", D(2015, 3, 20), D(2015, 10, 15), "5 năm", 29, None),
        ]),
        ("III. ĐẤT ĐAI", [3, 5], [
            ("ĐĐ.01", "Hồ sơ giao đất ở tại thị trấn Mường Ảng năm 2013", "dmy", D(2013, 4, 11), D(2013, 9, 22), "VV", 74, None),
            ("ĐĐ.02", "Hồ sơ thu hồi đất xây dựng trường trung học cơ sở xã Ẳng Tở", "my", D(2014, 3, 1), D(2014, 11, 1), "Vĩnh viễn", 102, None),
            ("ĐĐ.03", "Kế hoạch sử dụng đất năm 2015 của huyện Mường Ảng", "dmy", D(2015, 1, 5), D(2015, 12, 31), "Vĩnh viễn", 66, None),
            ("ĐĐ.04", "Hồ sơ giải quyết tranh chấp đất đai tại xã Búng Lao", "dmy", D(2015, 6, 17), D(2015, 10, 2), "20 năm", 58, "Bản sao"),
            ("ĐĐ.05", "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất cho hộ gia đình, cá nhân năm 2015", "my", D(2015, 2, 1), D(2015, 12, 1), "20 năm", 245, None),
            ("ĐĐ.06", "Tập báo cáo thống kê đất đai năm 2015", "dmy", D(2016, 1, 15), D(2016, 1, 15), "10", 24, None),
            ("ĐĐ.07", "Hồ sơ bồi thường, hỗ trợ tái định cư dự án đường Mường Ảng - Ẳng Cang", "dmy", D(2015, 8, 9), D(2016, 11, 30), "Vĩnh viễn", 188, None),
            ("ĐĐ.08", "Tập công văn trao đổi về đất đai năm 2016", "dmy", D(2016, 1, 4), D(2016, 12, 27), "5 năm", 112, None),
        ]),
    ]
    width = 10
    title_rows(ws, ["MỤC LỤC HỒ SƠ", "Phông: UBND huyện Mường Ảng", "Mục lục số: 01"], width)
    # Two-row header: every cell merged over rows 5–6, except "Thời gian" over F5:G5.
    heads = ["Số TT", "Hộp số", "Hồ sơ số", "Số và ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian", None,
             "Thời hạn bảo quản", "Số tờ", "Ghi chú"]
    for c, h in enumerate(heads, 1):
        if h is None:
            continue
        put(ws, 5, c, h, BOLD, align=CENTER)
        if h == "Thời gian":
            ws.merge_cells(start_row=5, start_column=c, end_row=5, end_column=c + 1)
        else:
            ws.merge_cells(start_row=5, start_column=c, end_row=6, end_column=c)
    put(ws, 6, 6, "Bắt đầu", BOLD, align=CENTER)
    put(ws, 6, 7, "Kết thúc", BOLD, align=CENTER)
    for c in range(1, width + 1):
        put(ws, 7, c, f"({c})", BOLD, align=CENTER)
    row, n, box = 8, 0, 0
    dossiers, notations_seen, warnings, total = [], {}, [], 0
    for gname, boxes, items in groups:
        group_row(ws, row, gname, width)
        row += 1
        i = 0
        for size in boxes:
            box += 1
            top = row
            for k in range(size):
                notation, title, kind, start, end, ret, sheets, note = items[i]
                i += 1
                n += 1
                put(ws, row, 1, n)
                if k == 0:
                    put(ws, row, 2, box, align=CENTER)
                put(ws, row, 3, n)
                put(ws, row, 4, notation)
                put(ws, row, 5, title)
                if kind == "dmy":
                    put(ws, row, 6, start, fmt="dd/mm/yyyy")
                    put(ws, row, 7, end, fmt="dd/mm/yyyy")
                    es, ee = dmy(start), dmy(end)
                elif kind == "my":
                    put(ws, row, 6, start, fmt="mm/yyyy")
                    put(ws, row, 7, end, fmt="mm/yyyy")
                    es, ee = my(start), my(end)
                elif kind == "year":
                    put(ws, row, 6, start)  # General format: a plain number
                    put(ws, row, 7, end)
                    es, ee = str(start), str(end)
                else:
                    put(ws, row, 6, start, fmt="@")
                    put(ws, row, 7, end, fmt="@")
                    es = "0" + start if len(start) == 6 else start  # "3/2016" → "03/2016"
                    ee = "0" + end if len(end) == 6 else end
                put(ws, row, 8, ret)
                put(ws, row, 9, sheets)
                if note:
                    put(ws, row, 10, note)
                total += sheets
                year = es[-4:]
                if (notation, year) in notations_seen:
                    warnings.append({"row": row, "code": "duplicate_notation"})
                notations_seen[(notation, year)] = row
                dossiers.append(dossier(row, n, box, notation, title, es, ee, retention_of(ret), sheets, note=note, group=gname))
                row += 1
            if size > 1:
                ws.merge_cells(start_row=top, start_column=2, end_row=row - 1, end_column=2)
    total_row = row
    put(ws, row, 1, "Tổng cộng", BOLD, align=CENTER)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
    put(ws, row, 9, total + 3, BOLD)  # wrong on purpose: the real sum is 3 less
    warnings.append({"row": total_row, "code": "total_mismatch"})
    put(ws, row + 2, 1, f"Mục lục này gồm {n} hồ sơ, đánh số từ số 01 đến số {n}.")
    put(ws, row + 3, 7, "Mường Ảng, ngày 20 tháng 11 năm 2019")
    put(ws, row + 4, 7, "Người lập", BOLD)
    put(ws, row + 5, 7, "(Ký, ghi rõ họ tên)")
    put(ws, row + 8, 7, "Lò Văn Thắng", BOLD)
    ws.column_dimensions["E"].width = 60
    write(os.path.join(HERE, name), xlsx_bytes(wb))
    EXPECTED[name] = {
        "refused": False,
        "ignored_sheets": [],
        "inventories": [{
            "sheet": "MLHS", "number": 1, "fonds": "UBND huyện Mường Ảng", "retention": None,
            "groups": [g for g, _, _ in groups],
            "dossiers": dossiers,
            "warnings": warnings,
        }],
    }


# ============================================================== 02 TCVN3 ==

def make_02():
    name = "02-xa-tcvn3.xlsx"
    wb, ws = new_book("Muc luc")
    vn = Font(name=".VnTime", size=13)
    vnb = Font(name=".VnTime", size=13, bold=True)
    vnh = Font(name=".VnTimeH", size=14, bold=True)
    width = 8
    # .VnTimeH title: typed with Caps Lock, so ASCII letters are capitals and the accented
    # letters are lowercase TCVN3 codes (TCVN3 has no accented capitals), drawn as capitals by
    # the font; the text alone shows it is in capitals. Group II is .VnTimeH typed without Caps
    # Lock: all lowercase codes, capitals only by the font (expected text is uppercase).
    put(ws, 1, 1, tcvn3("MỤC LỤC HỒ SƠ"), vnh, align=CENTER)
    ws.merge_cells("A1:H1")
    put(ws, 2, 1, tcvn3("Phông: UBND xã Búng Lao"), vn)
    put(ws, 3, 1, tcvn3("Mục lục số: 01"), vn)
    heads = ["Số TT", "Hộp số", "Hồ sơ số", "Tiêu đề hồ sơ", "Thời gian", "Thời hạn bảo quản", "Số tờ", "Ghi chú"]
    for c, h in enumerate(heads, 1):
        put(ws, 5, c, tcvn3(h, exact=False), vnb, align=CENTER)
    groups = [
        ("I. TỔNG HỢP", [
            ("Tập nghị quyết của Hội đồng nhân dân xã năm 2004", "2004", "Vĩnh viễn", 34, None),
            ("Báo cáo tổng kết công tác năm 2004 của UBND xã", "12/2004", "Vĩnh viễn", 12, None),
            ("Sổ đăng ký khai sinh năm 2005", "01/01/2005 - 31/12/2005", "Vĩnh viễn", 48, "Rách bìa"),
            ("Hồ sơ bầu cử đại biểu Hội đồng nhân dân xã nhiệm kỳ 2004 - 2009", "3/2004 - 5/2004", "Vĩnh viễn", 96, None),
        ]),
        ("II. ĐỊA CHÍNH - XÂY DỰNG", [
            ("Sổ theo dõi biến động đất đai năm 2005", "2005", "20 năm", 40, None),
            ("Hồ sơ giao đất làm nhà ở tại bản Búng Lao", "6/2005 - 9/2005", "20 năm", 27, None),
            ("Hồ sơ xây dựng trụ sở UBND xã", "2006 - 2007", "Vĩnh viễn", 115, "Bản sao"),
        ]),
        ("III. VĂN HÓA - XÃ HỘI", [
            ("Danh sách hộ nghèo năm 2006", "2006", "10 năm", 18, None),
            ("Hồ sơ chi trả trợ cấp cho đối tượng chính sách năm 2006", "01/2006 - 12/2006", "10 năm", 53, None),
            ("Báo cáo công tác y tế, giáo dục năm 2007", "2007", "5 năm", 9, None),
        ]),
    ]

    def split_dates(text):
        parts = [p.strip() for p in text.split(" - ")]
        fix = lambda p: "0" + p if len(p) == 6 else p
        return fix(parts[0]), fix(parts[-1])

    row, n, box, total, dossiers = 6, 0, 1, 0, []
    for gname, items in groups:
        if gname.startswith("II."):
            put(ws, row, 1, tcvn3_h(gname), Font(name=".VnTimeH", size=13, bold=True))
        else:
            put(ws, row, 1, tcvn3(gname), vnb)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
        for title, dates, ret, sheets, note in items:
            n += 1
            if n in (5, 9):
                box += 1
            put(ws, row, 1, n, vn)
            put(ws, row, 2, box, vn)
            put(ws, row, 3, n, vn)
            put(ws, row, 4, tcvn3(title), vn)
            put(ws, row, 5, dates, vn, fmt="@")
            put(ws, row, 6, tcvn3(ret), vn)
            put(ws, row, 7, sheets, vn)
            if note:
                put(ws, row, 8, tcvn3(note), vn)
            total += sheets
            s, e = split_dates(dates)
            dossiers.append(dossier(row, n, box, None, title, s, e, retention_of(ret), sheets, note=note, group=gname))
            row += 1
    put(ws, row, 1, tcvn3("Cộng"), vnb)
    assert tcvn3("Cộng") == "Céng"
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
    put(ws, row, 7, total, vnb)
    put(ws, row + 2, 6, tcvn3("Búng Lao, ngày 15 tháng 6 năm 2008"), vn)
    put(ws, row + 3, 6, tcvn3("Người lập"), vnb)
    put(ws, row + 6, 6, tcvn3("Lò Thị Hoa"), vnb)
    ws.column_dimensions["D"].width = 60
    write(os.path.join(HERE, name), xlsx_bytes(wb))
    EXPECTED[name] = {
        "refused": False,
        "ignored_sheets": [],
        "inventories": [{
            "sheet": "Muc luc", "number": 1, "fonds": "UBND xã Búng Lao", "retention": None,
            "groups": [g for g, _ in groups],
            "dossiers": dossiers,
            "warnings": [{"row": None, "code": "legacy_converted"}],
        }],
    }


# ===================================================== 03 several mục lục ==

def make_03():
    name = "03-nhieu-muc-luc.xlsx"
    wb, guide = new_book("Hướng dẫn")
    for r, line in enumerate([
        "HƯỚNG DẪN NHẬP MỤC LỤC HỒ SƠ",
        "1. Mỗi mục lục hồ sơ nhập trên một trang tính riêng.",
        "2. Thời gian ghi theo dạng ngày/tháng/năm, ví dụ 01/01/2017 - 31/12/2017.",
        "3. Thời hạn bảo quản ghi Vĩnh viễn hoặc số năm (70 năm, 20 năm, 10 năm).",
        "4. Không dùng công thức; số tờ ghi bằng số.",
    ], 1):
        put(guide, r, 1, line, BOLD if r == 1 else TNR)
    guide.column_dimensions["A"].width = 90
    inventories = []

    # Mục lục 01: retention column present, one group.
    ws = wb.create_sheet("Mục lục 01")
    title_rows(ws, ["MỤC LỤC HỒ SƠ", "Phông: UBND huyện Mường Ảng", "Mục lục số 01"], 9)
    one_row_header(ws, 5, ["Số TT", "Hộp số", "Hồ sơ số", "Số và ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian",
                           "Thời hạn bảo quản", "Số tờ", "Ghi chú"])
    group_row(ws, 6, "I. VĂN PHÒNG", 9)
    items = [
        ("VP.01", "Tập quyết định của UBND huyện năm 2017", "01/01/2017 - 31/12/2017", "Vĩnh viễn", 120),
        ("VP.02", "Báo cáo tổng kết công tác năm 2017 của UBND huyện", "15/12/2017 - 28/12/2017", "Vĩnh viễn", 35),
        ("VP.03", "Tập công văn đi của Văn phòng HĐND và UBND huyện năm 2017", "2017", "10 năm", 210),
        ("VP.04", "Hồ sơ hội nghị tổng kết công tác năm 2017", "01/2018", "20 năm", 44),
        ("VP.05", "Sổ đăng ký văn bản đến năm 2017", "2017", "20 năm", 98),
        ("VP.06", "Tập báo cáo tuần của UBND huyện năm 2017", "01/2017 - 12/2017", "5 năm", 61),
    ]
    ds = []
    for i, (notation, title, dates, ret, sheets) in enumerate(items):
        r, n = 7 + i, i + 1
        box = 1 if n <= 3 else 2
        put_row(ws, r, [n, box, n, notation, title, dates, ret, sheets])
        parts = dates.split(" - ")
        ds.append(dossier(r, n, box, notation, title, parts[0], parts[-1], retention_of(ret), sheets, group="I. VĂN PHÒNG"))
    inventories.append({"sheet": "Mục lục 01", "number": 1, "fonds": "UBND huyện Mường Ảng", "retention": None,
                        "groups": ["I. VĂN PHÒNG"], "dossiers": ds, "warnings": []})

    # Mục lục 02: the retention is in the title rows, not in a column.
    ws = wb.create_sheet("Mục lục 02")
    title_rows(ws, ["MỤC LỤC HỒ SƠ", "Phông: UBND huyện Mường Ảng", "Mục lục số 02", "Thời hạn bảo quản: 70 năm"], 8)
    one_row_header(ws, 6, ["Số TT", "Hộp số", "Hồ sơ số", "Số và ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian", "Số tờ", "Ghi chú"])
    items = [
        ("NS.01", "Hồ sơ cán bộ, công chức: Lò Văn Minh", "1998 - 2017", 85, None),
        ("NS.02", "Hồ sơ cán bộ, công chức: Quàng Thị Lan", "2001 - 2017", 64, None),
        ("NS.03", "Hồ sơ cán bộ, công chức: Lường Văn Sơn", "2003 - 2016", 72, "Thiếu sơ yếu lý lịch"),
        ("NS.04", "Hồ sơ cán bộ, công chức: Cà Thị Hương", "2005 - 2017", 58, None),
        ("NS.05", "Hồ sơ cán bộ, công chức: Tòng Văn Hải", "2008 - 2017", 47, None),
    ]
    ds = []
    for i, (notation, title, dates, sheets, note) in enumerate(items):
        r, n = 7 + i, i + 1
        box = 1
        put_row(ws, r, [n, box, n, notation, title, dates, sheets, note])
        a, b = dates.split(" - ")
        ds.append(dossier(r, n, box, notation, title, a, b, "70 năm", sheets, note=note))
    inventories.append({"sheet": "Mục lục 02", "number": 2, "fonds": "UBND huyện Mường Ảng", "retention": "70 năm",
                        "groups": [], "dossiers": ds, "warnings": []})

    # Mục lục 03: no fonds line, retention in the title rows.
    ws = wb.create_sheet("Mục lục 03")
    title_rows(ws, ["MỤC LỤC SỐ 03", "Thời hạn bảo quản: Vĩnh viễn"], 8)
    one_row_header(ws, 4, ["Số TT", "Hộp số", "Hồ sơ số", "Số và ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian", "Số tờ", "Ghi chú"])
    items = [
        ("QĐ.01", "Tập quyết định của Chủ tịch UBND huyện năm 2018 (từ số 01 đến số 250)", "02/01/2018 - 29/06/2018", 301),
        ("QĐ.02", "Tập quyết định của Chủ tịch UBND huyện năm 2018 (từ số 251 đến số 512)", "02/07/2018 - 28/12/2018", 287),
        ("NQ.01", "Tập nghị quyết của Hội đồng nhân dân huyện năm 2018", "2018", 76),
        ("BC.01", "Báo cáo kinh tế - xã hội năm 2018 của UBND huyện", "12/2018", 40),
        ("QH.01", "Hồ sơ quy hoạch xây dựng thị trấn Mường Ảng đến năm 2030", "03/2018 - 11/2018", 154),
    ]
    ds = []
    for i, (notation, title, dates, sheets) in enumerate(items):
        r, n = 5 + i, i + 1
        box = 1 if n <= 2 else 2
        put_row(ws, r, [n, box, n, notation, title, dates, sheets])
        parts = dates.split(" - ")
        ds.append(dossier(r, n, box, notation, title, parts[0], parts[-1], "Vĩnh viễn", sheets))
    inventories.append({"sheet": "Mục lục 03", "number": 3, "fonds": None, "retention": "Vĩnh viễn",
                        "groups": [], "dossiers": ds, "warnings": []})

    wb.create_sheet("Sheet4")
    write(os.path.join(HERE, name), xlsx_bytes(wb))
    EXPECTED[name] = {"refused": False, "ignored_sheets": ["Hướng dẫn", "Sheet4"], "inventories": inventories}


# ====================================================== 04 TT05 contractor ==

def make_04():
    name = "04-don-vi-thue-tt05.xlsx"
    wb, ws = new_book("Danh muc ho so")
    heads = ["STT", "Mã hồ sơ", "Hộp số", "Hồ sơ số", "Số và ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian bắt đầu",
             "Thời gian kết thúc", "Thời hạn bảo quản", "Chế độ sử dụng", "Số lượng tờ", "Số lượng trang", "Ghi chú"]
    title_rows(ws, ["PHÔNG LƯU TRỮ UBND HUYỆN MƯỜNG ẢNG", "MỤC LỤC SỐ 01"], len(heads))
    one_row_header(ws, 4, heads)
    items = [
        ("01.TCCB", "Tập quyết định về công tác cán bộ năm 2015", "05/01/2015", "30/12/2015", "Vĩnh viễn", "Hạn chế", 88, 170, None),
        ("02.TCCB", "Hồ sơ tuyển dụng viên chức giáo dục năm 2015", "10/03/2015", "25/09/2015", "70 năm", "Hạn chế", 156, 301, None),
        ("03.TCCB", "Tập báo cáo thống kê cán bộ, công chức năm 2015", "15/01/2015", "20/12/2015", "10 năm", "Công khai", 34, 66, None),
        ("01.VP", "Tập nghị quyết của Hội đồng nhân dân huyện năm 2015", "12/01/2015", "22/12/2015", "Vĩnh viễn", "Công khai", 72, 140, None),
        ("02.VP", "Báo cáo kinh tế - xã hội năm 2015 của UBND huyện", "01/12/2015", "28/12/2015", "Vĩnh viễn", "Công khai", 25, 48, None),
        ("03.VP", "Chương trình công tác năm 2015 của UBND huyện", "06/01/2015", "06/01/2015", "10 năm", "Công khai", 11, 20, None),
        ("04.VP", "Tập công văn trao đổi của UBND huyện năm 2015", "05/01/2015", "31/12/2015", "10 năm", "Công khai", 240, 455, "Có công văn mật"),
        ("01.TNMT", "Hồ sơ giao đất ở tại thị trấn Mường Ảng năm 2015", "14/04/2015", "30/10/2015", "Vĩnh viễn", "Hạn chế", 63, 120, None),
        ("02.TNMT", "Hồ sơ thu hồi đất thực hiện dự án chợ trung tâm huyện", "02/02/2015", "18/11/2015", "Vĩnh viễn", "Hạn chế", 190, 352, None),
        ("03.TNMT", "Báo cáo kết quả kiểm kê đất đai năm 2015", "03/08/2015", "15/12/2015", "Vĩnh viễn", "Công khai", 47, 90, None),
        ("01.TCKH", "Báo cáo quyết toán ngân sách huyện năm 2015", "20/01/2016", "30/06/2016", "Vĩnh viễn", "Hạn chế", 112, 220, None),
        ("02.TCKH", "Tập dự toán ngân sách các xã năm 2015", "05/01/2015", "28/02/2015", "10 năm", "Hạn chế", 85, 160, None),
        ("01.LĐTB", "Hồ sơ chi trả trợ cấp ưu đãi người có công năm 2015", "05/01/2015", "25/12/2015", "70 năm", "Hạn chế", 230, 460, None),
        ("02.LĐTB", "Danh sách hộ nghèo, hộ cận nghèo năm 2015", "15/11/2015", "30/12/2015", "10 năm", "Công khai", 58, 110, None),
        ("01.VHTT", "Hồ sơ tổ chức Ngày hội văn hóa các dân tộc huyện Mường Ảng năm 2015", "01/07/2015", "20/09/2015", "10 năm", "Công khai", 39, 74, "Có ảnh"),
    ]
    ds = []
    for i, (notation, title, start, end, ret, mode, sheets, pages, note) in enumerate(items):
        r, n = 5 + i, i + 1
        box = (i // 4) + 1
        code = f"H49.64.33.{start[-4:]}.{notation}.{n}"
        put_row(ws, r, [n, code, box, n, notation, title, start, end, ret, mode, sheets, pages, note])
        ds.append(dossier(r, n, box, notation, title, start, end, retention_of(ret), sheets, pages=pages, note=note))
    write(os.path.join(HERE, name), xlsx_bytes(wb))
    EXPECTED[name] = {
        "refused": False,
        "ignored_sheets": [],
        "inventories": [{"sheet": "Danh muc ho so", "number": 1, "fonds": "UBND HUYỆN MƯỜNG ẢNG", "retention": None,
                         "groups": [], "dossiers": ds, "warnings": []}],
    }


# ======================================== 05 commune, before arrangement ==

def make_05():
    name = "05-xa-truoc-chinh-ly.xlsx"
    wb, ws = new_book("Danh mục")
    heads = ["Số TT", "Số và ký hiệu hồ sơ", "Tên đề mục và tiêu đề hồ sơ", "Thời gian", "Thời hạn bảo quản", "Số tờ", "Ghi chú"]
    width = len(heads)
    title_rows(ws, ["UBND XÃ ẲNG NƯA", "DANH MỤC HỒ SƠ, TÀI LIỆU", "Phông: UBND xã Ẳng Nưa"], width)
    one_row_header(ws, 5, heads)
    for c in range(1, width + 1):
        put(ws, 6, c, c, BOLD, align=CENTER)  # plain column numbers 1 … 7
    # (kind, text) group rows; ("d", …) hồ sơ: notation, title, dates, retention, sheets, note
    layout = [
        ("g", "I. VĂN BẢN CỦA XÃ", 1),
        ("g", "NĂM 2021", 3),
        ("d", ("HS.01", "Tập nghị quyết của Hội đồng nhân dân xã năm 2021", "2021", "Vĩnh viễn", 42, None)),
        ("d", ("HS.02", "Tập quyết định của UBND xã năm 2021", "01/2021 - 06/2021", "Vĩnh viễn", 65, None)),
        ("d", (None, "Tập công văn đi của UBND xã năm 2021", "2021", "5 năm", 120, None)),
        ("d", ("HS.04", "Sổ đăng ký khai sinh năm 2021", "04/01/2021 - 30/12/2021", "Vĩnh viễn", 50, None)),
        ("g", "NĂM 2022", 3),
        ("d", ("HS.05", "Tập nghị quyết của Hội đồng nhân dân xã năm 2022", "2022", "Vĩnh viễn", 38, None)),
        ("d", (None, "Tập báo cáo tháng của UBND xã năm 2022", "01/2022 - 12/2022", "5 năm", 26, "Thiếu tháng 7")),
        ("d", ("HS.07", "Hồ sơ giải quyết đơn thư của công dân bản Ten Híu năm 2022", "03/2022 - 05/2022", "10 năm", 17, None)),
        ("d", ("HS.08", "Danh sách hộ nghèo, hộ cận nghèo năm 2022", "2022", "5 năm", 22, None)),
        ("g", "II. VĂN BẢN CỦA CÁC ĐOÀN THỂ", 1),
        ("d", (None, "Tập văn bản của Hội Liên hiệp phụ nữ xã năm 2021 - 2022", "2021 - 2022", "5 năm", 31, None)),
        ("d", ("ĐT.02", "Báo cáo hoạt động của Đoàn thanh niên xã năm 2022", "12/2022", "5 năm", 8, None)),
        ("d", ("ĐT.03", "Hồ sơ đại hội Hội Cựu chiến binh xã nhiệm kỳ 2022 - 2027", "06/2022 - 07/2022", "20 năm", 45, None)),
    ]
    row, n, group, groups, ds = 7, 0, None, [], []
    for item in layout:
        if item[0] == "g":
            _, text, col = item
            group_row(ws, row, text, width, col)
            group = text
            groups.append(text)
        else:
            notation, title, dates, ret, sheets, note = item[1]
            n += 1
            put_row(ws, row, [n, notation, title, dates, ret, sheets, note])
            parts = dates.split(" - ")
            ds.append(dossier(row, n, None, notation, title, parts[0], parts[-1], retention_of(ret), sheets, note=note, group=group))
        row += 1
    put(ws, row + 1, 5, "Người lập danh mục", BOLD)
    put(ws, row + 4, 5, "Vàng Thị Mai", BOLD)
    ws.column_dimensions["C"].width = 60
    write(os.path.join(HERE, name), xlsx_bytes(wb))
    EXPECTED[name] = {
        "refused": False,
        "ignored_sheets": [],
        "inventories": [{"sheet": "Danh mục", "number": None, "fonds": "UBND xã Ẳng Nưa", "retention": None,
                         "groups": groups, "dossiers": ds, "warnings": []}],
    }


# =========================================================== 06 20.000 ==

def make_06():
    name = "06-huyen-20000.xlsx"
    rng = random.Random(20000)
    wb, ws = new_book("Mục lục hồ sơ")
    heads = ["Số TT", "Hộp số", "Hồ sơ số", "Số và ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian bắt đầu",
             "Thời gian kết thúc", "Thời hạn bảo quản", "Số tờ", "Ghi chú"]
    width = len(heads)
    title_rows(ws, ["MỤC LỤC HỒ SƠ", "Phông: UBND huyện Tuần Giáo", "Mục lục số: 01"], width)
    one_row_header(ws, 5, heads)
    communes = ["Quài Cang", "Quài Nưa", "Quài Tở", "Mùn Chung", "Nà Sáy", "Phình Sáng", "Chiềng Sinh",
                "Tỏa Tình", "Pú Nhung", "Ta Ma", "Mường Mùn", "Nà Tòng", "Mường Thín", "Rạng Đông",
                "Chiềng Đông", "Mường Khong", "Pú Xi"]
    villages = ["Hua Sát", "Co Muông", "Pá Sáng", "Hới Nọ", "Nậm Cứm", "Thẩm Táng", "Kệ", "Cọ", "Pom Sinh"]
    fields = ["tổ chức cán bộ", "tài chính - kế hoạch", "đất đai", "xây dựng cơ bản", "giáo dục", "y tế",
              "nông nghiệp", "thi đua - khen thưởng", "lao động - thương binh và xã hội", "văn hóa - thông tin"]
    people = ["Lò Văn Minh", "Quàng Thị Lan", "Lường Văn Sơn", "Cà Thị Hương", "Tòng Văn Hải", "Lò Thị Hoa",
              "Vì Văn Thanh", "Mùa A Sếnh", "Giàng A Dế", "Nguyễn Văn Hùng", "Trần Thị Thu", "Điêu Chính Tới"]
    templates = [
        ("TH", "Tập nghị quyết của Hội đồng nhân dân huyện năm {y}", "Vĩnh viễn"),
        ("TH", "Báo cáo tổng kết công tác năm {y} của UBND huyện", "Vĩnh viễn"),
        ("TH", "Tập công văn trao đổi về công tác {f} năm {y}", "10 năm"),
        ("TH", "Tập báo cáo tháng, quý về công tác {f} năm {y}", "5 năm"),
        ("TCCB", "Tập quyết định về nâng lương cán bộ, công chức năm {y}", "Vĩnh viễn"),
        ("TCCB", "Hồ sơ cán bộ, công chức: {p}", "70 năm"),
        ("TCCB", "Hồ sơ khen thưởng cho tập thể, cá nhân xã {x} năm {y}", "20 năm"),
        ("ĐĐ", "Hồ sơ giao đất ở cho hộ gia đình tại bản {v}, xã {x}", "Vĩnh viễn"),
        ("ĐĐ", "Hồ sơ giải quyết tranh chấp đất đai tại xã {x} năm {y}", "20 năm"),
        ("ĐĐ", "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất cho hộ ông (bà) {p}", "20 năm"),
        ("XD", "Hồ sơ xây dựng công trình trường tiểu học xã {x}", "Vĩnh viễn"),
        ("XD", "Hồ sơ quyết toán công trình đường giao thông bản {v}, xã {x}", "20 năm"),
        ("TC", "Báo cáo quyết toán ngân sách xã {x} năm {y}", "Vĩnh viễn"),
        ("TC", "Tập chứng từ chi trả trợ cấp xã hội năm {y}", "10 năm"),
        ("VX", "Danh sách hộ nghèo xã {x} năm {y}", "10 năm"),
        ("VX", "Hồ sơ chi trả trợ cấp ưu đãi người có công xã {x} năm {y}", "70 năm"),
    ]
    notes = ["Bản sao", "Rách bìa", "Thiếu trang", "Có ảnh", "Chữ mờ"]
    years = list(range(1985, 2025))  # 40 groups of ~500
    sizes = []
    for _ in range(len(years) // 2):
        d = rng.randint(-50, 50)
        sizes += [500 + d, 500 - d]
    rng.shuffle(sizes)
    assert sum(sizes) == 20000
    row, n, box, total = 6, 0, 0, 0
    groups, all_rows = [], []
    date_fmt = "dd/mm/yyyy"
    for year, size in zip(years, sizes):
        gname = f"NĂM {year}"
        group_row(ws, row, gname, width)
        groups.append(gname)
        row += 1
        seq = {}
        left = size
        while left:
            take = min(left, rng.randint(8, 12))
            left -= take
            box += 1
            top = row
            for k in range(take):
                n += 1
                code, template, ret = rng.choice(templates)
                title = template.format(y=year, f=rng.choice(fields), x=rng.choice(communes),
                                        v=rng.choice(villages), p=rng.choice(people))
                seq[code] = seq.get(code, 0) + 1
                notation = f"{seq[code]:02d}.{code}" if rng.random() > 0.1 else None
                start = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
                end = start + datetime.timedelta(days=rng.randint(0, 400))
                sheets = rng.randint(3, 300)
                note = rng.choice(notes) if rng.random() < 0.04 else None
                ws.cell(row=row, column=1, value=n)
                if k == 0:
                    ws.cell(row=row, column=2, value=box)
                ws.cell(row=row, column=3, value=n)
                if notation:
                    ws.cell(row=row, column=4, value=notation)
                ws.cell(row=row, column=5, value=title)
                ws.cell(row=row, column=6, value=start).number_format = date_fmt
                ws.cell(row=row, column=7, value=end).number_format = date_fmt
                ws.cell(row=row, column=8, value=ret)
                ws.cell(row=row, column=9, value=sheets)
                if note:
                    ws.cell(row=row, column=10, value=note)
                total += sheets
                all_rows.append((dossier(row, n, box, notation, title, dmy(start), dmy(end), ret, sheets, note=note, group=gname), k))
                row += 1
            if take > 1:
                ws.merge_cells(start_row=top, start_column=2, end_row=row - 1, end_column=2)
    assert n == 20000
    put(ws, row, 1, "Tổng cộng", BOLD)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
    put(ws, row, 9, total, BOLD)
    ws.column_dimensions["E"].width = 70
    picks = [0, 1234, 4567, 8888, 12345, 17001, 19999]
    assert any(all_rows[i][1] > 0 for i in picks), "a sample inside a merged box"
    write(os.path.join(HERE, name), xlsx_bytes(wb))
    EXPECTED[name] = {
        "refused": False,
        "ignored_sheets": [],
        "inventories": [{
            "sheet": "Mục lục hồ sơ", "number": 1, "fonds": "UBND huyện Tuần Giáo", "retention": None,
            "groups": groups,
            "dossier_count": n,
            "sum_sheets": total,
            "sample": [all_rows[i][0] for i in picks],
            "warnings": [],
        }],
    }


# ================================================================ CSVs ==

CSV_HEAD = ["Số TT", "Hộp số", "Hồ sơ số", "Số và ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian", "Thời hạn bảo quản", "Số tờ", "Ghi chú"]
CSV_ITEMS = [
    ("VP.01", "Tập nghị quyết của Hội đồng nhân dân xã năm 2019", "01/01/2019 - 31/12/2019", "Vĩnh viễn", 56, None),
    ("VP.02", "Báo cáo tình hình kinh tế, xã hội năm 2019", "12/2019", "Vĩnh viễn", 18, None),
    ("VP.03", "Tập quyết định của UBND xã năm 2019", "2019", "VV", 74, None),
    ("ĐC.01", "Hồ sơ giao đất ở tại bản Huổi Sứa", "3/2019 - 10/2019", "20 năm", 33, "Bản sao"),
    ("ĐC.02", "Sổ theo dõi biến động đất đai năm 2019", "2019", "20 năm", 41, None),
    ("TP.01", "Sổ đăng ký khai sinh năm 2019", "02/01/2019 - 31/12/2019", "Vĩnh viễn", 60, None),
    ("TP.02", "Sổ chứng thực bản sao từ bản chính năm 2019", "2019", "10", 95, None),
    ("VX.01", "Danh sách chi trả trợ cấp cho người cao tuổi, người khuyết tật năm 2019", "01/2019 - 12/2019", "5 năm", 27, "Thiếu tháng 3"),
]


def csv_rows():
    w = len(CSV_HEAD)
    pad = lambda cells: [("" if c is None else str(c)) for c in cells] + [""] * (w - len(cells))
    rows = [pad(["MỤC LỤC HỒ SƠ"]), pad(["Phông: UBND xã Mường Lạn"]), pad(["Mục lục số: 02"]), pad([]), CSV_HEAD]
    total = 0
    for i, (notation, title, dates, ret, sheets, note) in enumerate(CSV_ITEMS):
        n = i + 1
        rows.append(pad([n, 1 if n <= 4 else 2, n, notation, title, dates, ret, sheets, note]))
        total += sheets
    rows.append(pad(["Tổng cộng", "", "", "", "", "", "", total]))
    rows.append(pad([]))
    rows.append(pad(["", "", "", "", "", "", "Người lập"]))
    return rows


def csv_expected(sheet):
    ds = []
    fix = lambda p: "0" + p if len(p) == 6 else p
    for i, (notation, title, dates, ret, sheets, note) in enumerate(CSV_ITEMS):
        n = i + 1
        parts = dates.split(" - ")
        ds.append(dossier(6 + i, n, 1 if n <= 4 else 2, notation, title, fix(parts[0]), fix(parts[-1]), retention_of(ret), sheets, note=note))
    return {"refused": False, "ignored_sheets": [], "inventories": [{
        "sheet": sheet, "number": 2, "fonds": "UBND xã Mường Lạn", "retention": None,
        "groups": [], "dossiers": ds, "warnings": []}]}


def windows_1258_form(text):
    """Tones as combining marks after a precomposed base (ê, ơ, ư, â, ă, đ …), as Vietnamese
    Windows writes code page 1258 (same as windows_1258_form in tests/workbooks.rs)."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for c in nfc(text):
        d = unicodedata.normalize("NFD", c)
        tone = [x for x in d if x in tones]
        base = nfc("".join(x for x in d if x not in tones))
        out.append(base + "".join(tone))
    return "".join(out)


def csv_text(rows, delimiter):
    buf = io.StringIO()
    wr = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    wr.writerows(rows)
    return buf.getvalue()


def make_07_08():
    name7, name8 = "07-csv-windows-1258.csv", "08-csv-utf8-bom.csv"
    rows = csv_rows()
    text7 = csv_text(rows, ";")
    data7 = windows_1258_form(text7).encode("cp1258")
    assert nfc(data7.decode("cp1258")) == nfc(text7)
    write(os.path.join(HERE, name7), data7)
    text8 = csv_text(rows, ",")
    assert '"Báo cáo tình hình kinh tế, xã hội năm 2019"' in text8
    write(os.path.join(HERE, name8), b"\xef\xbb\xbf" + text8.encode("utf-8"))
    EXPECTED[name7] = csv_expected(name7)
    EXPECTED[name8] = csv_expected(name8)


# ================================================== 09 special notations ==

def make_09():
    name = "09-ky-hieu-dac-biet.xlsx"
    wb, ws = new_book("Mục lục")
    heads = ["Số TT", "Hộp số", "Hồ sơ số", "Số và ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian", "Thời hạn bảo quản",
             "Số tờ", "Số trang", "Ghi chú"]
    title_rows(ws, ["MỤC LỤC HỒ SƠ", "Phông: UBND huyện Mường Ảng", "Mục lục số: 07"], len(heads))
    one_row_header(ws, 5, heads)
    nfd = lambda s: unicodedata.normalize("NFD", s)
    items = [
        ("TH.01", "Tập nghị quyết của Hội đồng nhân dân huyện năm 2016", "2016", "Vĩnh viễn", 50, 98, None),
        ("01/HS", "Hồ sơ\u00a0hội nghị  cán bộ, công chức   năm 2016", "02/2016", "20 năm", 22, 40, None),
        ("ĐĐ.01", "Hồ sơ giao đất ở tại thị trấn Mường Ảng năm 2016", "03/2016 - 08/2016", "Vĩnh viễn", 61, 118, None),
        ("01.TCCB", "Tập quyết định nâng lương cán bộ, công chức năm 2016", "2016", "Vĩnh viễn", 44, 80, None),
        ("02.TCCB", "Hồ sơ tuyển dụng công chức năm 2016", "05/2016 - 10/2016", "20 năm", 130, 255, None),
        ("TC 01", "Hồ sơ thi đua, khen thưởng năm 2016", "2016", "10 năm", 36, 70, None),
        ("HS-01", "Hồ sơ hội nghị tiếp xúc cử tri năm 2016", "06/2016", "10 năm", 19, 35, None),
        ("01/2016/HS", "Hồ sơ kỷ luật cán bộ năm 2016", "07/2016 - 09/2016", "Vĩnh viễn", 27, 50, "Hạn chế sử dụng"),
        ("VP.01.02", "Tập công văn đi của Văn phòng năm 2016", "2016", "5 năm", 180, 350, None),
        ("Đ.01", "Sổ theo dõi đơn thư năm 2016", "2016", "10", 25, 48, None),
        ("  03.TCCB  ", "  Hồ sơ nghỉ hưu của cán bộ năm 2016 ", "2016", "20 năm", 33, 64, None),
        (nfd("ĐĐ.02"), nfd("Hồ sơ đo đạc địa chính xã Ẳng Tở năm 2016"), "2016", nfd("Vĩnh viễn"), 74, 140, nfd("Bản đồ kèm theo")),
    ]
    assert nfd("Hồ sơ đo đạc địa chính") != nfc("Hồ sơ đo đạc địa chính")
    ds = []
    for i, (notation, title, dates, ret, sheets, pages, note) in enumerate(items):
        r, n = 6 + i, i + 1
        box = (i // 4) + 1
        put_row(ws, r, [n, box, n, notation, title, dates, ret, sheets, pages, note])
        parts = dates.split(" - ")
        ds.append(dossier(r, n, box, notation, title, parts[0], parts[-1], retention_of(ret), sheets, pages=pages, note=note))
    write(os.path.join(HERE, name), xlsx_bytes(wb))
    EXPECTED[name] = {
        "refused": False,
        "ignored_sheets": [],
        "inventories": [{"sheet": "Mục lục", "number": 7, "fonds": "UBND huyện Mường Ảng", "retention": None,
                         "groups": [], "dossiers": ds, "warnings": []}],
    }


# ================================================== 10 nine faulty rows ==

def make_10():
    name = "10-loi-chin-loai.xlsx"
    wb, ws = new_book("Mục lục")
    heads = ["Số TT", "Hộp số", "Hồ sơ số", "Số và ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian bắt đầu",
             "Thời gian kết thúc", "Thời hạn bảo quản", "Số tờ", "Số trang", "Ghi chú"]
    title_rows(ws, ["MỤC LỤC HỒ SƠ", "Phông: UBND huyện Mường Ảng", "Mục lục số: 04"], len(heads))
    one_row_header(ws, 5, heads)
    topics = ["Tập quyết định của UBND huyện năm 2016", "Báo cáo tổng kết công tác năm 2016",
              "Hồ sơ giao đất ở tại xã Ẳng Cang", "Tập công văn trao đổi về tài chính năm 2016",
              "Hồ sơ thi đua, khen thưởng năm 2016", "Sổ đăng ký văn bản đi năm 2016",
              "Hồ sơ tuyển dụng viên chức năm 2016", "Danh sách hộ nghèo năm 2016",
              "Hồ sơ xây dựng nhà văn hóa bản Co Cượm", "Tập báo cáo thống kê năm 2016"]
    retentions = ["Vĩnh viễn", "20 năm", "10 năm", "VV", "5 năm"]
    # What is wrong on the row with that Số TT: (code, column letter, change).
    faults = {
        5: ("duplicate_number", "C"),
        8: ("end_before_start", "G"),
        11: ("not_a_number", "I"),      # Số tờ -5
        13: ("required", "E"),          # empty title
        16: ("not_a_number", "I"),      # Số tờ "mười hai"
        19: ("not_a_number", "J"),      # Số trang "x"
        22: ("invalid_date", "F"),      # 31/02/2016
        25: ("unknown_retention", "H"), # "Lâu dài"
        28: ("not_a_number", "B"),      # Hộp số "Hộp ?"
    }
    valid_box_text_at = 10  # "Hộp 03": valid, box 3
    count = 30
    problems, ds = [], []
    for n in range(1, count + 1):
        r = 5 + n
        box = (n - 1) // 4 + 1
        number = n
        title = f"{topics[(n - 1) % len(topics)]} (phần {(n - 1) // len(topics) + 1})"
        start, end = f"{(n % 27) + 1:02d}/{(n % 12) + 1:02d}/2016", f"{(n % 27) + 1:02d}/12/2016"
        ret = retentions[n % len(retentions)]
        sheets, pages = 10 + n * 3, 20 + n * 6
        notation = f"{n:02d}.HS"
        box_cell = box
        if n == valid_box_text_at:
            assert box == 3
            box_cell = "Hộp 03"
        fault = faults.get(n)
        if fault:
            code = fault[0]
            if code == "duplicate_number":
                number = n - 1
            elif code == "end_before_start":
                start, end = "20/10/2016", "15/03/2016"
            elif code == "not_a_number" and fault[1] == "I" and n == 11:
                sheets = -5
            elif code == "required":
                title = ""
            elif code == "not_a_number" and fault[1] == "I":
                sheets = "mười hai"
            elif code == "not_a_number" and fault[1] == "J":
                pages = "x"
            elif code == "invalid_date":
                start = "31/02/2016"
            elif code == "unknown_retention":
                ret = "Lâu dài"
            elif code == "not_a_number" and fault[1] == "B":
                box_cell = "Hộp ?"
            problems.append({"sheet": "Mục lục", "row": r, "column": fault[1], "code": code})
        for c, v in enumerate([n, box_cell, number, notation, title, start, end, ret, sheets, pages], 1):
            if v != "":
                put(ws, r, c, v, fmt="@" if c in (6, 7) else None)
        if not fault:
            ds.append(dossier(r, number, box, notation, title, start, end, retention_of(ret), sheets, pages=pages))
    assert len(problems) == 9
    ws.column_dimensions["E"].width = 60
    write(os.path.join(HERE, name), xlsx_bytes(wb))
    EXPECTED[name] = {
        "refused": True,
        "problems": problems,
        # What the good rows read as (shown to the clerk; nothing is written while any problem stands).
        "inventories": [{"sheet": "Mục lục", "number": 4, "fonds": "UBND huyện Mường Ảng", "retention": None,
                         "groups": [], "dossiers": ds, "warnings": []}],
    }


# ============================================================== hostile ==

def small_inventory(sheet_name="Mục lục", titles=None, sheets_formula=False):
    """A plain, valid mục lục of six hồ sơ (header on row 5, hồ sơ on rows 6–11)."""
    wb, ws = new_book(sheet_name)
    heads = ["Số TT", "Hộp số", "Hồ sơ số", "Số và ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian", "Thời hạn bảo quản", "Số tờ", "Ghi chú"]
    title_rows(ws, ["MỤC LỤC HỒ SƠ", "Phông: UBND xã Nặm Lịch", "Mục lục số: 01"], len(heads))
    one_row_header(ws, 5, heads)
    titles = titles or [
        "Tập nghị quyết của Hội đồng nhân dân xã năm 2020",
        "Tập quyết định của UBND xã năm 2020",
        "Báo cáo tổng kết công tác năm 2020",
        "Sổ đăng ký khai sinh năm 2020",
        "Hồ sơ giao đất ở tại bản Nặm Lịch",
        "Danh sách hộ nghèo năm 2020",
    ]
    for i, title in enumerate(titles):
        r, n = 6 + i, i + 1
        sheets = 20 + 7 * n
        put_row(ws, r, [n, 1, n, f"{n:02d}.VP", title, "2020", "Vĩnh viễn" if n % 2 else "10 năm"])
        if sheets_formula:
            # Helper counts in K:L, unlabeled, summed into Số tờ by a formula.
            put(ws, r, 11, sheets - 2)
            put(ws, r, 12, 2)
            put(ws, r, 8, f"=SUM(K{r}:L{r})")
        else:
            put(ws, r, 8, sheets)
    return wb


def make_hostile():
    os.makedirs(HOSTILE, exist_ok=True)
    H = lambda f: os.path.join(HOSTILE, f)

    # dimension-bomb: a few real cells, one of them at XFD1048576, and a dimension to match.
    wb, ws = new_book("Mục lục")
    put(ws, 1, 1, "MỤC LỤC HỒ SƠ")
    one_row_header(ws, 2, ["Số TT", "Tiêu đề hồ sơ", "Thời gian", "Thời hạn bảo quản", "Số tờ"])
    put_row(ws, 3, [1, "Tập quyết định của UBND xã năm 2020", "2020", "Vĩnh viễn", 30])
    ws["XFD1048576"] = "."

    def dimension(xml):
        text = xml.decode("utf-8")
        start = text.index("<dimension ")
        end = text.index("/>", start) + 2
        return (text[:start] + '<dimension ref="A1:XFD1048576"/>' + text[end:]).encode("utf-8")

    write(H("dimension-bomb.xlsx"), xlsx_bytes(wb, edits={"xl/worksheets/sheet1.xml": dimension}))

    # macro-doi-ten: an .xlsm (VBA project and macro-enabled content type) renamed .xlsx.
    vba = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
           + b"\x00" * 488 + b'Attribute VB_Name = "Module1"\r\nSub Auto_Open()\r\n    MsgBox "Kho corpus"\r\nEnd Sub\r\n'
           + b"\x00" * 400)

    def macro_types(xml):
        text = xml.decode("utf-8")
        text = text.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                            "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
        assert "macroEnabled" in text
        text = text.replace("<Default ", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default ', 1)
        return text.encode("utf-8")

    def macro_rels(xml):
        text = xml.decode("utf-8")
        rel = ('<Relationship Id="rIdVba1" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
               'Target="vbaProject.bin"/>')
        return text.replace("</Relationships>", rel + "</Relationships>").encode("utf-8")

    write(H("macro-doi-ten.xlsx"), xlsx_bytes(small_inventory(),
                                              edits={"[Content_Types].xml": macro_types, "xl/_rels/workbook.xml.rels": macro_rels},
                                              extra=[("xl/vbaProject.bin", vba)]))

    # csv-utf8-hong: UTF-8, but lines 4–9 were pasted from a Windows-1258 file.
    lines = [
        "MỤC LỤC HỒ SƠ;;;;;;",
        "Phông: UBND xã Xuân Lao;;;;;;",
        "Số TT;Hồ sơ số;Tiêu đề hồ sơ;Thời gian;Thời hạn bảo quản;Số tờ;Ghi chú",
        "1;1;Tập nghị quyết của Hội đồng nhân dân xã năm 2018;2018;Vĩnh viễn;40;",
        "2;2;Tập quyết định của UBND xã năm 2018;2018;Vĩnh viễn;55;",
        "3;3;Báo cáo tổng kết công tác năm 2018;12/2018;Vĩnh viễn;14;",
        "4;4;Sổ đăng ký khai sinh năm 2018;2018;Vĩnh viễn;62;",
        "5;5;Hồ sơ giao đất ở tại bản Xuân Tre;3/2018 - 9/2018;20 năm;28;",
        "6;6;Danh sách hộ nghèo năm 2018;2018;10 năm;19;",
        "7;7;Tập công văn đi của UBND xã năm 2018;2018;5 năm;120;",
        "8;8;Sổ theo dõi đơn thư năm 2018;2018;10 năm;22;",
    ]
    data = b""
    for i, line in enumerate(lines, 1):
        enc = windows_1258_form(line).encode("cp1258") if 4 <= i <= 9 else line.encode("utf-8")
        try:
            enc.decode("utf-8")
            ok = True
        except UnicodeDecodeError:
            ok = False
        assert ok == (not 4 <= i <= 9), (i, line)
        data += enc + b"\r\n"
    write(H("csv-utf8-hong.csv"), data)

    # nul-trong-tieu-de: a NUL in one title, stored as the OOXML escape _x0000_ in sharedStrings.
    marker = "Báo cáo tổng kết công tác NULMARK năm 2020"

    def nul(xml):
        text = xml.decode("utf-8")
        assert text.count("NULMARK") == 1
        return text.replace("NULMARK", "_x0000_").encode("utf-8")

    titles = ["Tập nghị quyết của Hội đồng nhân dân xã năm 2020", "Tập quyết định của UBND xã năm 2020", marker,
              "Sổ đăng ký khai sinh năm 2020", "Hồ sơ giao đất ở tại bản Nặm Lịch", "Danh sách hộ nghèo năm 2020"]
    write(H("nul-trong-tieu-de.xlsx"), xlsx_bytes(small_inventory(titles=titles), edits={"xl/sharedStrings.xml": nul}))

    # xxe: an external entity declared in sharedStrings.xml and used in a title.
    xxe_marker = "Tập quyết định XXEMARK"

    def xxe(xml):
        text = xml.decode("utf-8")
        doctype = '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        if text.startswith("<?xml"):
            end = text.index("?>") + 2
            text = text[:end] + doctype + text[end:]
        else:
            text = doctype + text
        assert text.count("XXEMARK") == 1
        return text.replace("XXEMARK", "&xxe;").encode("utf-8")

    titles2 = list(titles)
    titles2[2] = xxe_marker
    write(H("xxe.xlsx"), xlsx_bytes(small_inventory(titles=titles2), edits={"xl/sharedStrings.xml": xxe}))

    # zip-bomb: sheet1.xml is a valid prefix, > 1 GB of spaces, and a valid end; streamed.
    base = xlsx_bytes(small_inventory())
    prefix = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<dimension ref="A1:E2"/><sheetData>'
              '<row r="1"><c r="A1" t="inlineStr"><is><t>MỤC LỤC HỒ SƠ</t></is></c></row>'
              '<row r="2"><c r="A2" t="inlineStr"><is><t>Số TT</t></is></c><c r="B2" t="inlineStr"><is><t>Tiêu đề hồ sơ</t></is></c>'
              '<c r="C2" t="inlineStr"><is><t>Thời gian</t></is></c><c r="D2" t="inlineStr"><is><t>Thời hạn bảo quản</t></is></c>'
              '<c r="E2" t="inlineStr"><is><t>Số tờ</t></is></c></row>').encode("utf-8")
    suffix = b"</sheetData></worksheet>"
    blank = b" " * (1 << 20)
    megabytes = 1100  # 1100 MiB of spaces
    path = H("zip-bomb.xlsx")
    with zipfile.ZipFile(io.BytesIO(base)) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            if info.filename == "xl/worksheets/sheet1.xml":
                with zout.open(zi, "w") as out:
                    out.write(prefix)
                    for _ in range(megabytes):
                        out.write(blank)
                    out.write(suffix)
            else:
                zout.writestr(zi, zin.read(info.filename))
    with zipfile.ZipFile(path) as z:
        size = z.getinfo("xl/worksheets/sheet1.xml").file_size
        assert size > 1_000_000_000, size
    assert os.path.getsize(path) < 2 * 1024 * 1024, os.path.getsize(path)

    # exe-doi-ten: a (fake) Windows program, 4 KB, renamed .xlsx.
    exe = bytearray(4096)
    exe[0:2] = b"MZ"
    exe[2:4] = (0x90).to_bytes(2, "little")
    exe[0x3C:0x40] = (0x80).to_bytes(4, "little")
    stub = b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$"
    exe[0x40:0x40 + len(stub)] = stub
    exe[0x80:0x84] = b"PE\x00\x00"
    exe[0x84:0x86] = (0x14C).to_bytes(2, "little")  # i386
    exe[0x86:0x88] = (1).to_bytes(2, "little")      # one section
    exe[0x94:0x96] = (0xE0).to_bytes(2, "little")   # optional header size
    exe[0x96:0x98] = (0x0102).to_bytes(2, "little") # executable, 32-bit
    exe[0x98:0x9A] = (0x10B).to_bytes(2, "little")  # PE32 magic
    exe[0x178:0x180] = b".text\x00\x00\x00"
    write(H("exe-doi-ten.xlsx"), bytes(exe))

    # cat-do: a valid mục lục cut to half its length (the zip's central directory is lost).
    whole = xlsx_bytes(small_inventory())
    write(H("cat-do.xlsx"), whole[: len(whole) // 2])

    # cong-thuc: every Số tờ is a formula.
    write(H("cong-thuc.xlsx"), xlsx_bytes(small_inventory(sheets_formula=True)))

    EXPECTED["hostile/dimension-bomb.xlsx"] = {"refused": True, "code": "too_large", "message_contains": "quá"}
    EXPECTED["hostile/macro-doi-ten.xlsx"] = {"refused": True, "code": "macro", "message_contains": "macro"}
    EXPECTED["hostile/csv-utf8-hong.csv"] = {"refused": True, "code": "invalid_encoding", "message_contains": "4"}
    EXPECTED["hostile/nul-trong-tieu-de.xlsx"] = {
        "refused": True, "code": "control_character", "message_contains": "ký tự",
        "problems": [{"sheet": "Mục lục", "row": 8, "column": "E", "code": "control_character"}],
    }
    EXPECTED["hostile/xxe.xlsx"] = {"refused": True, "code": "damaged", "message_contains": "hỏng"}
    EXPECTED["hostile/zip-bomb.xlsx"] = {"refused": True, "code": "too_large", "message_contains": "quá"}
    EXPECTED["hostile/exe-doi-ten.xlsx"] = {"refused": True, "code": "not_a_workbook", "message_contains": "không phải bảng tính"}
    EXPECTED["hostile/cat-do.xlsx"] = {"refused": True, "code": "damaged", "message_contains": "hỏng"}
    EXPECTED["hostile/cong-thuc.xlsx"] = {
        "refused": True, "code": "formula", "message_contains": "công thức",
        "problems": [{"sheet": "Mục lục", "row": r, "column": "H", "code": "formula"} for r in range(6, 12)],
    }


def to_json(value, indent=0):
    """JSON with one hồ sơ, problem or warning per line (objects with a "row" stay inline)."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, dict) and value and "row" not in value:
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {to_json(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and value and any(isinstance(v, (dict, list)) for v in value):
        return "[\n" + ",\n".join(inner + to_json(v, indent + 1) for v in value) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def main():
    make_01()
    make_02()
    make_03()
    make_04()
    make_05()
    make_06()
    make_07_08()
    make_09()
    make_10()
    make_hostile()
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(to_json(EXPECTED) + "\n")
    if os.environ.get("KHO_CORPUS_VERBOSE"):
        for uni, enc, alone in TCVN3_WORDS:
            print(f"{uni!r:50} {enc!r:50} {'detected' if alone else 'NOT detected alone'}")


if __name__ == "__main__":
    main()
