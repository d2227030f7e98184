"""What the meeting report says, read through the dashboards' and pccc's selectors (fixed queries)."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dashboards.measures import TASKS_DONE, WEIGHTED_PROGRESS
from dashboards.selectors import dashboard
from indicators.report import indicator_report_table
from pccc.evaluation import percent, percent_text
from pccc.periods import Period, period_label
from provinces.choices import UnitLevel
from provinces.models import AdministrativeUnit
from tasks.models import Programme

RANKING_CAPTION = _lazy("2. Xếp hạng các đơn vị trực thuộc")
PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ")


@dataclass
class ReportSection:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple] = field(default_factory=list)  # (caption, headers, rows)


@dataclass
class ReportData:
    issuer_parent: str
    issuer: str
    number: str
    place: str
    subtitle: str
    sections: list[ReportSection]
    recipients: list[str]
    signer_title: str
    chart: list[tuple[str, float]] = field(default_factory=list)  # (unit, completion %) for the PDF


def _pct(value) -> str:
    """One decimal, as on the dashboards (``pccc.evaluation.percent_text``: a non-zero share never reads 0)."""
    return "—" if value is None else percent_text(value)


def _place(province: AdministrativeUnit) -> str:
    name = province.name
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _pccc_table(snapshot, unit: AdministrativeUnit) -> tuple | None:
    """The PCCC model's "x/y đơn vị đạt" per level, from the same nightly figures as the dashboard:
    y is every unit of the level in the scope, with the number that reported beside it."""
    if snapshot is None:
        return None
    rows = []
    for level, figures in sorted(snapshot.levels.items(), key=lambda item: int(item[0])):
        if not figures.get("judged") or int(level) < unit.level:
            continue
        total, passing = figures["total"], figures["passing"]
        rows.append((UnitLevel(int(level)).label, total, figures["reported"], passing, _pct(percent(passing, total))))
    return (
        _("4. Mô hình “%(name)s” (%(period)s)") % {"name": snapshot.criteria_set.name, "period": snapshot.period_label},
        [_("Cấp"), _("Số đơn vị"), _("Đã báo cáo"), _("Số đơn vị đạt"), _("Tỷ lệ đạt")],
        rows,
    )


def _started_paragraph(s) -> str:
    """ "49/55 nhiệm vụ đã triển khai (89,1%); 6 chưa triển khai, trong đó 3 chờ hướng dẫn của Trung ương." """
    text = _("%(started)s/%(total)s nhiệm vụ đã triển khai (%(share)s)") % {
        "started": s.tasks_started,
        "total": s.tasks_total,
        "share": _pct(s.started_share),
    }
    if s.tasks_not_started:
        text += "; " + _("%(n)s chưa triển khai") % {"n": s.tasks_not_started}
        parts = [f"{waiting} {label}" for label, waiting, _blocked in s.not_started_by_reason]
        if parts and s.not_started_without_reason:
            parts.append(_("%(n)s chưa nêu lý do") % {"n": s.not_started_without_reason})
        if parts:
            text += ", " + _("trong đó") + " " + ", ".join(parts)
    return text + "."


def report_data(
    *,
    programme: Programme,
    unit: AdministrativeUnit,
    period: Period,
    number: str = "",
    on: datetime.date | None = None,
) -> ReportData:
    """Headline figures, ranking, agencies, PCCC results and bottlenecks of ``unit`` (already scope-checked),
    as of ``on`` when given (the figures of that day, as on the dashboard's ?ngay=), else the latest."""
    board = dashboard(programme=programme, unit=unit, on=on)
    province = AdministrativeUnit.objects.ancestors_of(unit, include_self=True).first() or unit
    return ReportData(
        issuer_parent=_("Ủy ban nhân dân"),
        issuer=unit.name,
        number=number or _("      /BC-UBND"),
        place=_place(province),
        subtitle=_("Sơ kết %(period)s thực hiện %(programme)s")
        % {"period": period_label(period, in_sentence=True), "programme": programme.name},
        sections=[
            _results_section(board, programme, unit, period, on),
            _problems_section(board.bottlenecks) if board.is_live else _past_problems_section(board.snapshot),
            _next_steps(),
        ],
        recipients=[_("- Như trên;"), _("- Lãnh đạo đơn vị;"), _("- Lưu: VT.")],
        signer_title=_("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"),
        chart=[(r.unit.name, float(r.completion or 0)) for r in board.ranking],
    )


def _past_problems_section(s) -> ReportSection:
    """For a past day the task lists are today's, so only that day's counts are given, with the reasons."""
    problems = ReportSection(_("II. TỒN TẠI, HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC"))
    if s is None:
        return problems
    problems.paragraphs.append(
        _("Tính đến ngày %(date)s có %(overdue)s nhiệm vụ quá hạn, %(blocked)s nhiệm vụ vướng mắc.")
        % {"date": f"{s.date:%d/%m/%Y}", "overdue": s.tasks_overdue, "blocked": s.tasks_blocked}
    )
    if s.by_reason:
        problems.tables.append(
            (
                _("Nhiệm vụ chưa triển khai, vướng mắc theo lý do"),
                [_("Lý do"), _("Chưa triển khai"), _("Vướng mắc")],
                [(label, waiting, blocked) for label, waiting, blocked in s.by_reason],
            )
        )
    return problems


def _results_section(board, programme: Programme, unit: AdministrativeUnit, period: Period, on) -> ReportSection:
    """I. The headline sentences and the tables that follow them, each only when it has rows."""
    general = ReportSection(_("I. KẾT QUẢ THỰC HIỆN"))
    general.paragraphs.append(_headline(board.snapshot, programme, unit, on))
    if board.snapshot is not None:
        general.paragraphs.append(_started_paragraph(board.snapshot))
    tables = [
        _general_table(board),
        _ranking_table(board.ranking),
        _agency_table(board.by_agency),
        _pccc_table(board.pccc, unit),
        indicator_report_table(programme=programme, unit=unit, period=period),
    ]
    general.tables += [table for table in tables if table is not None]
    return general


def _headline(s, programme: Programme, unit: AdministrativeUnit, on) -> str:
    if s is None and on is not None:
        return _("Chưa có số liệu tổng hợp của ngày %(date)s cho đơn vị và đề án này.") % {"date": f"{on:%d/%m/%Y}"}
    if s is None:
        return _("Chưa có số liệu tổng hợp cho đơn vị và đề án này.")
    return _(
        "Tính đến ngày %(date)s, %(unit)s có %(total)s nhiệm vụ thuộc %(programme)s; "
        "tỷ lệ hoàn thành có trọng số đạt %(rate)s."
    ) % {
        "date": s.date.strftime("%d/%m/%Y"),
        "unit": unit.name,
        "total": s.tasks_total,
        "programme": programme.name,
        "rate": _pct(s.weighted_completion),
    }


def _general_table(board) -> tuple | None:
    """1. Tasks by status, overdue and the weighted completion, from the latest snapshot."""
    s = board.snapshot
    if s is None:
        return None
    return (
        _("1. Số liệu chung"),
        [_("Chỉ số"), _("Số lượng")],
        [(str(label), count) for _status, label, count in board.status_counts]
        + [(_("Quá hạn"), s.tasks_overdue), (str(WEIGHTED_PROGRESS), _pct(s.weighted_completion))]
        + [(_("Đã triển khai"), f"{s.tasks_started}/{s.tasks_total} ({_pct(s.started_share)})")]
        + [
            (_("Chưa triển khai: %(reason)s") % {"reason": label}, waiting)
            for label, waiting, _blocked in s.not_started_by_reason
        ],
    )


def _ranking_table(ranking) -> tuple | None:
    if not ranking:
        return None
    return (
        str(RANKING_CAPTION),
        [_("Hạng"), _("Đơn vị"), str(WEIGHTED_PROGRESS), _("Quá hạn"), _("Đơn vị đạt PCCC")],
        [(i, r.unit.name, _pct(r.completion), r.overdue, _pct(r.pccc_rate)) for i, r in enumerate(ranking, 1)],
    )


def _agency_table(by_agency) -> tuple | None:
    if not by_agency:
        return None
    return (
        _("3. Kết quả theo cơ quan chủ trì"),
        [_("Cơ quan chủ trì"), _("Số nhiệm vụ"), str(TASKS_DONE), _("Quá hạn"), str(WEIGHTED_PROGRESS)],
        [(r["lead_agency__name"], r["total"], r["done"], r["overdue"], _pct(r["completion"])) for r in by_agency],
    )


def _next_steps() -> ReportSection:
    return ReportSection(
        _("III. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI"),
        [_("1. Tập trung hoàn thành các nhiệm vụ quá hạn, tháo gỡ vướng mắc nêu tại Mục II."), _("2. …")],
    )


def _problems_section(bottlenecks) -> ReportSection:
    """Counts over every overdue or blocked task in scope; the table lists the first few of each group."""
    problems = ReportSection(_("II. TỒN TẠI, HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC"))
    if not bottlenecks.total:
        problems.paragraphs.append(_("Không có nhiệm vụ quá hạn hoặc vướng mắc."))
        return problems
    problems.paragraphs.append(
        _(
            "Có %(total)s nhiệm vụ quá hạn hoặc vướng mắc (%(overdue)s nhiệm vụ quá hạn, %(blocked)s nhiệm vụ "
            "vướng mắc, trong đó %(waiting)s nhiệm vụ chờ hướng dẫn của Trung ương)."
        )
        % {
            "total": bottlenecks.total,
            "overdue": bottlenecks.overdue,
            "blocked": bottlenecks.blocked,
            "waiting": bottlenecks.waiting_central_count,
        }
    )
    groups = list(bottlenecks.by_agency)
    counts = [(g.name, g.count) for g in groups]
    if bottlenecks.agencies_left_out:
        counts.append(
            (_("Các cơ quan khác (%(n)s cơ quan)") % {"n": bottlenecks.agencies_left_out}, bottlenecks.tasks_left_out)
        )
    if bottlenecks.waiting_central:
        groups.append(bottlenecks.waiting_central)
        counts.append((_("Chờ hướng dẫn của Trung ương"), bottlenecks.waiting_central.count))
    problems.tables.append(
        (_("Số nhiệm vụ quá hạn, vướng mắc theo cơ quan chủ trì"), [_("Cơ quan chủ trì"), _("Số nhiệm vụ")], counts)
    )
    shown = sorted((t for g in groups for t in g.tasks), key=lambda t: (t.deadline, t.pk))
    rows = [
        (t.title, t.unit.name, t.lead_agency.name, t.deadline.strftime("%d/%m/%Y"), t.get_current_status_display())
        for t in shown
    ]
    if bottlenecks.total > len(shown):
        more = _("và %(n)s nhiệm vụ khác (danh sách đầy đủ trên cổng: %(url)s)") % {
            "n": bottlenecks.total - len(shown),
            "url": bottlenecks.list_url,
        }
        rows.append((more, "", "", "", ""))
    problems.tables.append(
        (
            _("Nhiệm vụ quá hạn, vướng mắc"),
            [_("Nhiệm vụ"), _("Đơn vị"), _("Cơ quan chủ trì"), _("Thời hạn"), _("Trạng thái")],
            rows,
        )
    )
    return problems
