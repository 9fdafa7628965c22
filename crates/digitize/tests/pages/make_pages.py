"""Renders the Vietnamese test pages kept beside this script, with their ground truth.

    pip install pillow==13.0.0 && python3 make_pages.py

Each page is an A4 sheet of administrative text dense in diacritics, as a commune's records
read. Variants: 300 and 200 dpi, clean and degraded (rotated, noisy, blurred, JPEG-compressed),
a coloured letterhead, a black-and-white Group 4 TIFF, and the pages the checks must refuse: blank, too dark, 150 dpi. The
multi-page TIFF is a hồ sơ of three pages at 200 dpi. The same seed gives the same bytes.
"""
import random
from pathlib import Path
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).parent
SERIF = str(HERE / "../../../documents/fonts/LiberationSerif-Regular.ttf")
BOLD = str(HERE / "../../../documents/fonts/LiberationSerif-Bold.ttf")
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"

TEXTS = [
    [
        "ỦY BAN NHÂN DÂN XÃ MƯỜNG ẢNG",
        "Số: 127/QĐ-UBND",
        "QUYẾT ĐỊNH",
        "Về việc giao đất ở cho hộ gia đình, cá nhân tại bản Co Mận",
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;",
        "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;",
        "Xét đề nghị của công chức địa chính – xây dựng xã về việc giao",
        "đất ở cho các hộ gia đình đủ điều kiện theo quy định hiện hành.",
        "Điều 1. Giao đất ở cho ông Lò Văn Thưởng và bà Quàng Thị Hương,",
        "diện tích 200 mét vuông, thửa đất số 45, tờ bản đồ số 12.",
        "Điều 2. Hộ gia đình có trách nhiệm sử dụng đất đúng mục đích,",
        "nộp đủ nghĩa vụ tài chính và chấp hành quy hoạch sử dụng đất.",
        "Điều 3. Văn phòng Ủy ban nhân dân xã, công chức địa chính và",
        "các hộ gia đình có tên tại Điều 1 chịu trách nhiệm thi hành.",
    ],
    [
        "BÁO CÁO",
        "Tình hình chỉnh lý tài liệu lưu trữ tồn đọng năm 2026",
        "Thực hiện Kế hoạch của Ủy ban nhân dân tỉnh Điện Biên về chỉnh lý,",
        "số hóa tài liệu lưu trữ của các huyện đã giải thể và các xã sau sắp xếp,",
        "Ủy ban nhân dân xã báo cáo kết quả thực hiện như sau:",
        "1. Khối lượng tài liệu đã thu thập: 87,6 mét giá, gồm hồ sơ hộ tịch,",
        "hồ sơ địa chính, sổ sách kế toán và văn bản quản lý hành chính.",
        "2. Tài liệu đã được phân loại, lập hồ sơ, xác định giá trị, thống kê",
        "và sắp xếp vào hộp theo phương án phân loại đã được phê duyệt.",
        "3. Khó khăn, vướng mắc: kho lưu trữ chật hẹp, thiếu giá, thiếu hộp;",
        "nhiều tài liệu bị ẩm mốc, mối mọt, chữ viết tay mờ khó đọc.",
        "4. Đề nghị: bố trí kinh phí mua sắm trang thiết bị bảo quản.",
    ],
    [
        "SỔ ĐĂNG KÝ KHAI SINH",
        "Quyển số 01/2019 – Ủy ban nhân dân xã Búng Lao",
        "Họ, chữ đệm, tên: Lường Thị Ngọc Diễm",
        "Ngày, tháng, năm sinh: 14 tháng 6 năm 2019",
        "Nơi sinh: Trạm y tế xã Búng Lao, huyện Mường Ảng",
        "Giới tính: Nữ. Dân tộc: Thái. Quốc tịch: Việt Nam",
        "Họ, chữ đệm, tên người mẹ: Lường Thị Xuân",
        "Họ, chữ đệm, tên người cha: Quàng Văn Thuận",
        "Nơi cư trú: bản Xuân Tre, xã Búng Lao",
        "Người đi khai sinh: Quàng Văn Thuận, quan hệ: cha",
        "Cán bộ tư pháp – hộ tịch ký, ghi rõ họ tên",
    ],
]


def render(lines, dpi, font_path=SERIF, colour=False, points=14):
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    mode = "RGB" if colour else "L"
    page = Image.new(mode, (width, height), (255, 255, 255) if colour else 255)
    draw = ImageDraw.Draw(page)
    size = round(points / 72 * dpi)
    font = ImageFont.truetype(font_path, size)
    bold = ImageFont.truetype(BOLD, size)
    y = round(1.0 * dpi)
    for i, line in enumerate(lines):
        f = bold if i == 0 else font
        ink = ((200, 20, 20) if colour and i == 0 else (0, 0, 0)) if colour else 0
        draw.text((round(1.0 * dpi), y), line, font=f, fill=ink)
        y += round(size * 1.6)
    return page


def degrade(page, rng, angle):
    page = page.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(0.8))
    pixels = page.load()
    w, h = page.size
    for _ in range(w * h // 400):
        x, y = rng.randrange(w), rng.randrange(h)
        pixels[x, y] = rng.choice((0, 90, 200))
    return page.point(lambda v: int(v * 0.88) + 12)


def main():
    rng = random.Random(20261125)
    truth = {}

    def save(name, image, text, dpi, **kwargs):
        image.save(HERE / name, dpi=(dpi, dpi), **kwargs)
        if text is not None:
            truth[name] = text

    for n, lines in enumerate(TEXTS, start=1):
        text = "\n".join(lines)
        save(f"trang{n}-300dpi.png", render(lines, 300), text, 300, optimize=True)
        save(f"trang{n}-200dpi-suy-giam.jpg", degrade(render(lines, 200, DEJAVU, points=12), rng, 1.2), text, 200, quality=60)
    save("trang1-300dpi-suy-giam.png", degrade(render(TEXTS[0], 300), rng, -0.8), "\n".join(TEXTS[0]), 300, optimize=True)
    save("trang2-200dpi.tif", render(TEXTS[1], 200), "\n".join(TEXTS[1]), 200, compression="tiff_deflate")
    # Black and white, CCITT Group 4: what production scanners write for text.
    bilevel = render(TEXTS[2], 300).point(lambda v: 0 if v < 128 else 255).convert("1")
    save("trang3-300dpi-g4.tif", bilevel, "\n".join(TEXTS[2]), 300, compression="group4")
    save("mau-300dpi.jpg", render(TEXTS[0], 300, colour=True), "\n".join(TEXTS[0]), 300, quality=85)
    pages = [render(lines, 200) for lines in TEXTS]
    pages[0].save(HERE / "ho-so-3-trang.tif", dpi=(200, 200), compression="tiff_deflate", save_all=True, append_images=pages[1:])
    truth["ho-so-3-trang.tif"] = "\n\f\n".join("\n".join(lines) for lines in TEXTS)

    blank = Image.new("L", (1654, 2339), 250)
    px = blank.load()
    for _ in range(300):
        px[rng.randrange(1654), rng.randrange(2339)] = 120
    save("trang-trang.png", blank, None, 200, optimize=True)
    save("qua-toi.png", render(TEXTS[1], 200).point(lambda v: int(v * 0.25)), None, 200, optimize=True)
    save("150dpi.png", render(TEXTS[2], 150), None, 150, optimize=True)

    for name, text in truth.items():
        (HERE / (name.rsplit(".", 1)[0] + ".txt")).write_text(text + "\n", encoding="utf-8")


main()
