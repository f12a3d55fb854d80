"""Work not finished is not a report, and only plain digits are counts.

A false "completed" in the totals is the most expensive error the bot can make: each case
here was stored as completed work before the rule of the spec ("Work not done").
"""

from __future__ import annotations

import pytest

from tests.core.test_parser_cases import one, run

NOT_DONE = [
    # The spec's examples.
    "nhà hộ Lò Văn Sính chưa xong",
    "đang làm móng 2 nhà",
    "1 nhà đang xây",
    "hộ Giàng Seo Chứ chưa thoát nghèo",
    "sắp xong 3 nhà",
    "chưa học nghề",
    "HỘ GIÀNG SEO CHỨ CHƯA THOÁT NGHÈO",
    # Every word of unfinished work, with and without diacritics.
    "khởi công 5 nhà",
    "khoi cong 5 nha",
    "dự kiến tháng sau xong 4 nhà",
    "chuẩn bị hoàn thành 3 nhà",
    "3 nhà chưa hoàn thiện",
    "không có nhà nào xong",
    "dang lam mong 2 nha",
    "chuaw xong nhaf hooj Lof Vawn Sinh",
    "5 người sắp học nghề",
    "dự kiến đào tạo nghề 20 người",
    "hộ Giàng Seo Chứ đang chờ thoát nghèo",
    "2 nhà đang hoàn thiện",
    # Dates and villages in such a segment do not make it a report.
    "hôm qua đang làm móng 2 nhà",
    "thôn Xà Phìn chưa xong 2 nhà",
    # Several items, all unfinished.
    "1 nhà đang xây, 2 nhà sắp xong",
]


@pytest.mark.parametrize("text", NOT_DONE)
def test_unfinished_work_is_refused_as_not_done(text: str) -> None:
    assert run(text) == "not_done"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Words of unfinished work after the completion word say something else.
        ("hôm qua xong 2 nhà mà chưa kịp báo cáo ạ", one("housing", 2, when="2026-11-25")),
        ("hoàn thành 2 nhà cho hộ đang ở nhà tạm", one("housing", 2)),
        ("12 người học nghề không mất phí", one("training", 12)),
        # Enrolled in a course is a training report.
        ("đang học nghề 5 người", one("training", 5)),
        ("đăng ký học nghề 5 người", one("training", 5)),
        ("dang ky hoc nghe 5 nguoi", one("training", 5)),
        # Surnames that fold to the same letters are names.
        ("hộ Đặng Văn Minh xong nhà", one("housing", 1, household="Đặng Văn Minh")),
        ("ho Dang Van Minh xong nha", one("housing", 1, household="Dang Van Minh")),
        ("gia đình Khổng Văn Sáng thoát nghèo", one("graduated", 1, household="Khổng Văn Sáng")),
        ("hộ ông Đặng Văn Minh xong nhà", one("housing", 1, household="Đặng Văn Minh")),
        ("hộ Lò Văn Đăng xong nhà", one("housing", 1, household="Lò Văn Đăng")),
        # A heading before ":" is not a word of the report.
        ("Nhà chưa xong: 2 nhà xong", one("housing", 2)),
    ],
)
def test_finished_work_beside_such_words_is_a_report(text: str, expected: object) -> None:
    assert run(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "xong 2 nhà, 1 nhà đang xây",
        "xong 2 nhà; chưa xong 1 nhà",
        "xong 2 nhà\nđang xây 3 nhà",
        # Without a separator: the unfinished item is left out, not added to the total.
        "xong 2 nhà đang xây 3 nhà",
        "xong 2 nhà còn 3 nhà đang xây",
    ],
)
def test_only_the_finished_items_of_a_mixed_message_count(text: str) -> None:
    assert run(text) == one("housing", 2)


def test_a_date_in_an_unfinished_segment_is_not_the_report_date() -> None:
    assert run("xong 2 nhà, hôm qua đang làm móng 1 nhà") == one("housing", 2)
    # ... nor is a bad one an error of the message.
    assert run("xong 2 nhà, ngày 31/02 đang làm móng 1 nhà") == one("housing", 2)


def test_a_problem_of_a_finished_item_outranks_unfinished_ones() -> None:
    assert run("xong nhà, đang làm móng 2 nhà") == "missing_count"
    # ... while a message without any indicator is not understood at all.
    assert run("chưa xong ạ") == "unknown_indicator"


def test_one_household_done_and_another_not() -> None:
    assert run("hộ Vàng Mí Dính xong nhà hộ Lò Văn Sính chưa xong nhà") == one(
        "housing", 1, household="Vàng Mí Dính"
    )


@pytest.mark.parametrize(
    "text",
    ["xong ²³ nhà", "xong 2³ nhà", "xong ２ nhà", "xong ① nhà", "xong ½ nhà", "xong ٣ nhà"],
)
def test_only_plain_digits_are_counts(text: str) -> None:
    # Compatibility normalisation would read "²³" as 23 houses.
    assert run(text) == "missing_count"


def test_words_that_only_fold_like_count_words_are_not_counts() -> None:
    # "tạm" (temporary) is not "tám" (eight); "bọn" is not "bốn".
    assert run("xong bọn nhà") == "missing_count"
    assert run("xong bẩy nhà") == one("housing", 7)
    assert run("xong tam nha") == one("housing", 8)


def test_compatibility_letters_are_still_read() -> None:
    # Full-width letters, as some keyboards send them, are still words.
    assert run("ｘｏｎｇ 2 nhà") == one("housing", 2)


def test_a_village_name_after_thon_is_a_name_whatever_it_reads() -> None:
    assert run("thôn Không Có xong 2 nhà") == "unknown_village"
    assert run("thôn đang làm móng 2 nhà") == "not_done"
