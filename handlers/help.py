"""/start and /huongdan: what the bot does and how to use it, by role."""

from __future__ import annotations

from core.models import Role
from handlers.context import Context
from handlers.messages import Reply
from handlers.registration import registration_prompt
from handlers.router import Router

__all__ = ["router"]

router = Router()


def _guide(ctx: Context) -> str:
    lines = [
        ctx._("Gửi báo cáo bằng tin nhắn ngắn, có dấu hay không dấu đều được, ví dụ:"),
        ctx._("• xong 2 nhà"),
        ctx._("• hộ Giàng Seo Chứ thoát nghèo"),
        ctx._("• đào tạo nghề 12 người"),
        ctx._("• hôm qua xong 1 nhà"),
        "",
        ctx._("/sua SỐ NỘI_DUNG — sửa báo cáo; /huy SỐ — hủy báo cáo"),
        ctx._("Gửi ảnh kèm báo cáo (hoặc ngay sau báo cáo) làm minh chứng."),
        ctx._("/nhiemvu — nhiệm vụ của thôn"),
        ctx._(
            "/ho TÊN_CHỦ_HỘ hoặc MÃ_HỘ — một hộ trong danh sách hộ; /ho chuacodanhsach — báo cáo"
            " ghi tên hộ chưa có trong danh sách"
        ),
        ctx._("/ngonngu en|vi — đổi ngôn ngữ"),
    ]
    person = ctx.person
    if person is not None and person.role in (Role.LEADER, Role.ADMIN):
        lines += [
            ctx._("/tiendo — tiến độ so với chỉ tiêu; /tiendo TÊN_XÃ_HOẶC_THÔN — xem chi tiết"),
            ctx._(
                "/tiendo cu — nhóm theo các xã trước 7/2025; /tiendo xã Sơn Vĩ cu — xã hiện nay"
                " chia theo xã cũ"
            ),
            ctx._("/tiendo bieudo — biểu đồ; /xuat — tệp Excel (thêm tên xã, «cu» như trên)"),
            ctx._("/tiendo muctieu — các mục tiêu khác của chương trình (tỷ lệ, nông thôn mới)"),
            ctx._(
                "/tiendo 2021-2025 — kết quả cuối cùng của giai đoạn trước; /xuat 2021-2025 —"
                " báo cáo tổng kết theo năm"
            ),
            ctx._("/giao THÔN CHỈ_TIÊU SỐ HẠN — giao nhiệm vụ, ví dụ: /giao Sà Lủng nhà 5 31/12"),
            ctx._("/duyet — duyệt các báo cáo chờ duyệt; /tuchoi SỐ LÝ_DO — từ chối một báo cáo"),
            ctx._(
                "/quyetdinh — hộ báo cáo thoát nghèo chờ quyết định; /quyetdinh TÊN_HỘ"
                " PHÂN_LOẠI_MỚI SỐ_QĐ NGÀY — ghi quyết định của xã; /quyetdinh huy SỐ — hủy"
            ),
            ctx._("/xuat hongheo — tệp Excel danh sách hộ và lịch sử phân loại"),
        ]
    if person is not None and person.role == Role.ADMIN:
        lines += [
            ctx._("/moi SỐ_ĐIỆN_THOẠI — tạo mã mời đăng ký"),
            ctx._("/chitieu — xem và đặt chỉ tiêu; /chitieu TÊN_ĐƠN_VỊ — chỉ tiêu trong đơn vị đó"),
        ]
    return "\n".join(lines)


@router.command("start")
async def start(ctx: Context) -> list[Reply]:
    if ctx.person is None:
        return [
            Reply(
                ctx._("Xin chào! Đây là bot báo cáo tiến độ giảm nghèo bền vững của huyện Mèo Vạc.")
            ),
            registration_prompt(ctx.t, can_share_contact=ctx.message.can_share_contact),
        ]
    return [Reply(ctx._("Xin chào {name}!").format(name=ctx.person.name) + "\n" + _guide(ctx))]


@router.command("huongdan")
async def guide(ctx: Context) -> list[Reply]:
    if ctx.person is None:
        return [registration_prompt(ctx.t, can_share_contact=ctx.message.can_share_contact)]
    return [Reply(_guide(ctx))]


# Registered people only: anyone else learns how to register first, whatever they send.
@router.command("_unknown", permission="report")
async def unknown_command(ctx: Context) -> list[Reply]:
    return [Reply(ctx._("Không có lệnh này. Gõ /huongdan để xem các lệnh."))]


@router.command("_unsupported", permission="report")
async def unsupported(ctx: Context) -> list[Reply]:
    return [
        Reply(ctx._("Bot chỉ đọc được tin nhắn chữ. Hãy gửi báo cáo bằng chữ, ví dụ: xong 2 nhà"))
    ]
