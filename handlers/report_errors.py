"""What a cadre is told when a report is not understood: the problem and a correct example."""

from __future__ import annotations

from bot.domain.parsing import ParseError
from bot.domain.units import UnitDirectory
from bot.i18n import Translator

__all__ = ["describe_error"]


def describe_error(t: Translator, error: ParseError, units: UnitDirectory) -> str:
    fragment = error.fragment or ""
    if error.code == "empty":
        return t.gettext("Tin nhắn trống. Hãy gửi báo cáo, ví dụ: xong 2 nhà")
    if error.code == "unknown_indicator":
        return t.gettext(
            "Chưa hiểu bạn báo cáo việc gì. Hãy ghi rõ một trong ba việc: nhà ở hoàn thành,"
            " hộ thoát nghèo, đào tạo nghề. Ví dụ: xong 2 nhà; 3 hộ thoát nghèo;"
            " đào tạo nghề 12 người"
        )
    if error.code == "missing_count":
        return t.gettext(
            "Thiếu số lượng. Hãy ghi rõ bao nhiêu, ví dụ: xong 2 nhà; 3 hộ thoát nghèo;"
            " hoặc ghi tên hộ: hộ Giàng Seo Chứ thoát nghèo"
        )
    if error.code == "invalid_count":
        return t.gettext(
            "Số lượng «{value}» không hợp lệ: mỗi báo cáo từ 1 đến 500. Ví dụ: xong 2 nhà"
        ).format(value=fragment)
    if error.code == "unknown_village":
        return t.gettext(
            "Không tìm thấy thôn «{name}». Hãy kiểm tra tên thôn, ví dụ: thôn Sà Lủng xong 2 nhà"
        ).format(name=fragment)
    if error.code == "ambiguous_village":
        names = ", ".join(units[c].name for c in error.candidates if units.get(c))
        return t.gettext(
            "Tên «{name}» khớp với nhiều thôn: {candidates}. Hãy ghi đầy đủ tên thôn,"
            " ví dụ: thôn {example} xong 2 nhà"
        ).format(
            name=fragment,
            candidates=names,
            example=units[error.candidates[0]].name if error.candidates else "Sà Lủng",
        )
    if error.code == "invalid_date":
        return t.gettext(
            "Ngày «{value}» không hợp lệ: ngày phải có thật, không ở tương lai, và nếu quá"
            " 180 ngày thì ghi cả năm. Ví dụ: ngày 20/11 xong 2 nhà; 15/12/2025 xong 2 nhà"
        ).format(value=fragment)
    return t.gettext("Chưa hiểu báo cáo. Ví dụ: xong 2 nhà")
