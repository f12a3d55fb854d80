"""What a handler gets: the message, who sent it, and the services it may use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.evidence import PhotoIntake
from core.indicators import IndicatorSet
from core.models import Person
from core.periods import DEFAULT_PERIODS, Period, PeriodSet
from core.ports import Store
from core.programme import ProgrammeGoal
from core.render import Renderers
from core.units import Unit, UnitDirectory
from handlers.messages import Inbound
from handlers.views.labels import unit_label
from locales.translator import Translator

__all__ = ["Context"]


@dataclass
class Context:
    message: Inbound
    person: Person | None
    store: Store
    units: UnitDirectory
    indicators: IndicatorSet
    t: Translator
    tz: ZoneInfo
    now: datetime  # UTC, from the engine's clock
    renderers: Renderers  # charts and workbooks
    args: str = ""  # the text after a command
    translators: Mapping[str, Translator] = field(default_factory=dict)
    programme: Sequence[ProgrammeGoal] = ()  # goals cadres do not report (rates, new-rural)
    max_file_bytes: int | None = None  # the largest file the message's channel takes
    periods: PeriodSet = DEFAULT_PERIODS  # programme periods, oldest first
    photos: PhotoIntake | None = None  # None: this deployment takes no photos

    @property
    def period(self) -> Period:
        """The programme period under way today."""
        current = self.periods.current(self.today)
        assert current is not None  # the schema ships periods; an import cannot empty them
        return current

    @property
    def source(self) -> str | None:
        """The key of the message on its channel: a redelivery has the same one."""
        message = self.message
        if message.message_id is None:
            return None
        return f"{message.channel}:{message.sender_id}:{message.message_id}"

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def _(self, message: str) -> str:
        return self.t.gettext(message)

    def unit_name(self, code: str) -> str:
        unit = self.units.get(code)
        return unit.name if unit else code

    def unit_label(self, unit: Unit) -> str:
        """A unit with its kind, as people say it: 'thôn Sà Lủng', 'xã Sơn Vĩ'."""
        return unit_label(self.t, unit)
