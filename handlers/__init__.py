"""The conversation, one module per feature; this package fixes their order."""

from __future__ import annotations

from handlers import (
    admin,
    approval,
    corrections,
    decisions,
    evidence,
    export,
    help,
    household_card,
    language,
    not_reports,
    progress,
    registration,
    reports,
    tasks,
)
from handlers.engine import Engine
from handlers.messages import Attachment, Choice, Inbound, Photo, Reply
from handlers.router import Router

__all__ = [
    "Attachment",
    "Choice",
    "Engine",
    "Inbound",
    "Photo",
    "Reply",
    "Router",
    "build_router",
]


def build_router() -> Router:
    router = Router()
    # Order matters only for the catch-alls (free text, contacts): the last one wins.
    for module in (
        help,
        registration,
        language,
        not_reports,
        progress,
        export,
        admin,
        approval,
        decisions,
        tasks,
        household_card,
        corrections,
        reports,
        evidence,
    ):
        router.include(module.router)
    return router
