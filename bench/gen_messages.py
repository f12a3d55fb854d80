"""Generated report messages for comparing the parser's output before and after a change.

    python bench/gen_messages.py --count 10000 --seed 20261130 > messages.jsonl

The lines have the shape `python -m bot parse` reads (``text``, ``village``, ``today``). The
same seed gives the same lines, so two versions of the parser can be compared byte for byte:
    python bench/gen_messages.py | python -m bot parse > after.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata

VILLAGES = ("Sà Lủng", "Xà Phìn", "Lũng Pù", "Pả Vi", "Mèo Vạc", "Sơn Vĩ", "Xín Cái")
VERBS = ("xong", "Xong", "hoàn thành", "hoan thanh", "đã xong", "da xong", "làm xong")
THINGS = (
    "nhà",
    "nha",
    "nhà ở",
    "căn nhà",
    "hộ thoát nghèo",
    "ho thoat ngheo",
    "người học nghề",
    "nguoi hoc nghe",
    "đào tạo nghề",
    "dao tao nghe",
    "lao động",
)
NAMES = ("Giàng Seo Chứ", "Lò Văn Sính", "Vàng Mí Lử", "Sùng Thị Mai", "giang seo chu")
DATES = ("", " hôm qua", " hom nay", " ngày 20/11", " ngay 3/11", " thứ hai", " tuần trước")
PLACES = ("", " thôn Sà Lủng", " ban Xa Phin", " thon Lung Pu", " xóm Pả Vi", " bản Không Có")
NOISE = ("", "!", ".", " ạ", " nhé", "  ", " 👍")


def message(rng: random.Random) -> str:
    shape = rng.randrange(8)
    count = rng.choice((1, 2, 3, 5, 12, 0, 100, 1733))
    if shape == 0:
        text = f"{rng.choice(VERBS)} {count} {rng.choice(THINGS)}"
    elif shape == 1:
        text = f"{rng.choice(THINGS)} {rng.choice(VERBS)} {count}"
    elif shape == 2:
        text = f"hộ {rng.choice(NAMES)} thoát nghèo"
    elif shape == 3:
        text = f"{rng.choice(VERBS)} nhà hộ {rng.choice(NAMES)}"
    elif shape == 4:
        text = f"đào tạo nghề {count} người, {rng.choice(VERBS)} {count} nhà"
    elif shape == 5:
        text = rng.choice(("xin chào", "ok", "?", "", "báo cáo", "xong", "12", "nhà"))
    elif shape == 6:
        text = (
            f"{rng.choice(VERBS)} {count} {rng.choice(THINGS)}\nhộ {rng.choice(NAMES)} thoát nghèo"
        )
    else:
        text = f"{count} {rng.choice(THINGS)}"
    text += rng.choice(PLACES) + rng.choice(DATES) + rng.choice(NOISE)
    roll = rng.random()
    if roll < 0.1:
        text = text.upper()
    elif roll < 0.2:
        text = unicodedata.normalize("NFD", text)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    for _ in range(args.count):
        line = {"text": message(rng), "village": rng.choice(VILLAGES), "today": "2026-11-26"}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
