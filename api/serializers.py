"""What each API row shows. Tasks carry no personal data beyond the accountable officer's name and title."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dashboards.models import CompletionSnapshot, PcccSnapshot
from pccc.evaluation import percent, verdict
from pccc.models import Assessment, CriteriaSet, Criterion
from provinces.models import AdministrativeUnit, UnitCrosswalk
from provinces.selectors import unit_url_code
from tasks.models import Programme, Task


class UnitRefSerializer(serializers.Serializer):
    """A unit named by its URL code ("~code" for a legacy unit) and name."""

    code = serializers.SerializerMethodField()
    name = serializers.CharField()

    def get_code(self, unit) -> str:
        return unit_url_code(unit)


class UnitSerializer(serializers.ModelSerializer):
    code = serializers.SerializerMethodField(help_text="Mã đơn vị; đơn vị cũ viết “~mã”.")
    official_code = serializers.CharField(source="code")
    parent = serializers.SerializerMethodField()
    successor = serializers.SerializerMethodField()
    is_legacy = serializers.BooleanField()

    class Meta:
        model = AdministrativeUnit
        fields = [
            "code",
            "official_code",
            "name",
            "kind",
            "level",
            "parent",
            "valid_from",
            "valid_to",
            "is_legacy",
            "successor",
        ]

    def get_code(self, unit) -> str:
        return unit_url_code(unit)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_parent(self, unit) -> str | None:
        return unit_url_code(unit.parent) if unit.parent_id is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_successor(self, unit) -> str | None:
        return unit_url_code(unit.successor) if unit.successor_id is not None else None


class CrosswalkSerializer(serializers.ModelSerializer):
    legacy_unit = UnitRefSerializer()
    current_unit = UnitRefSerializer()

    class Meta:
        model = UnitCrosswalk
        fields = ["id", "legacy_unit", "current_unit", "is_default"]


class ProgrammeSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField(help_text="Đơn vị ban hành; null là cấp Trung ương.")

    class Meta:
        model = Programme
        fields = ["id", "name", "document_number", "issuing_body", "unit", "year", "start_date", "end_date"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_unit(self, programme) -> str | None:
        return unit_url_code(programme.unit) if programme.unit_id is not None else None


class AccountableOfficerSerializer(serializers.Serializer):
    """Name and title only: no login, e-mail or telephone."""

    name = serializers.CharField(source="get_full_name")
    title = serializers.CharField(source="position")


class TaskSerializer(serializers.ModelSerializer):
    """The "5 rõ": what (title, description), who (lead agency, accountable officer), responsibility
    (coordinating agencies), when (start, deadline), result (expected result); and the state."""

    programme = serializers.IntegerField(source="programme_id")
    unit = UnitRefSerializer()
    lead_agency = serializers.CharField(source="lead_agency.name")
    coordinating_agencies = serializers.SerializerMethodField()
    accountable_officer = AccountableOfficerSerializer(source="accountable_person", allow_null=True)
    status = serializers.CharField(source="current_status")
    percent = serializers.IntegerField(source="current_percent")
    block_reason = serializers.CharField(source="current_block_reason")
    is_overdue = serializers.BooleanField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)

    class Meta:
        model = Task
        fields = [
            "id", "programme", "unit", "group", "title", "description", "expected_result", "lead_agency",
            "coordinating_agencies", "accountable_officer", "start_date", "deadline", "weight", "status",
            "percent", "block_reason", "is_overdue", "awaiting_verification", "completion_verified",
            "last_update_at", "parent",
        ]  # fmt: skip

    def get_coordinating_agencies(self, task) -> list[str]:
        return [agency.name for agency in task.coordinating_agencies.all()]


class CompletionSnapshotSerializer(serializers.ModelSerializer):
    programme = serializers.IntegerField(source="programme_id")
    unit = serializers.SerializerMethodField()
    level = serializers.SerializerMethodField()

    class Meta:
        model = CompletionSnapshot
        fields = [
            "id", "programme", "unit", "level", "date", "weighted_completion", "completion", "tasks_total",
            "tasks_done", "tasks_done_late", "tasks_in_progress", "tasks_not_started", "tasks_blocked",
            "tasks_overdue", "tasks_awaiting_verification", "computed_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_unit(self, snapshot) -> str | None:
        return snapshot.unit.code if snapshot.unit_id is not None else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_level(self, snapshot) -> int | None:
        return snapshot.unit.level if snapshot.unit_id is not None else None


# The columns ``snapshot_row`` reads: the serializer's fields as plain values (one query, no instances).
SNAPSHOT_COUNTS = (
    "tasks_total", "tasks_done", "tasks_done_late", "tasks_in_progress", "tasks_not_started", "tasks_blocked",
    "tasks_overdue", "tasks_awaiting_verification",
)  # fmt: skip
SNAPSHOT_VALUES = (
    "id", "programme_id", "unit__code", "unit__level", "date", "weighted_completion", "completion",
    *SNAPSHOT_COUNTS, "computed_at",
)  # fmt: skip
_DATETIME = serializers.DateTimeField()


def snapshot_rows(rows) -> list[dict]:
    """``CompletionSnapshotSerializer``'s output from ``.values(*SNAPSHOT_VALUES)`` rows.

    One recompute stamps all its rows with the same ``computed_at``: each distinct time is
    converted (time zone, ISO text) once. Percentages are stored with two decimals, so "%.2f" is
    DRF's DecimalField text.
    """
    times: dict = {}
    out = []
    for row in rows:
        computed_at = row["computed_at"]
        if computed_at not in times:
            times[computed_at] = _DATETIME.to_representation(computed_at)
        out.append(
            {
                "id": row["id"],
                "programme": row["programme_id"],
                "unit": row["unit__code"],
                "level": row["unit__level"],
                "date": row["date"].isoformat(),
                "weighted_completion": f"{row['weighted_completion']:.2f}",
                "completion": f"{row['completion']:.2f}",
                **{name: row[name] for name in SNAPSHOT_COUNTS},
                "computed_at": times[computed_at],
            }
        )
    return out


class PcccSnapshotSerializer(serializers.ModelSerializer):
    criteria_set = serializers.CharField(source="criteria_set.code")
    unit = serializers.SerializerMethodField()
    criteria = serializers.JSONField()
    levels = serializers.JSONField()

    class Meta:
        model = PcccSnapshot
        fields = [
            "id", "criteria_set", "unit", "date", "period", "period_earliest", "criteria_met", "criteria_assessed",
            "units_passing", "units_assessed", "units_total", "criteria", "levels", "computed_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_unit(self, snapshot) -> str | None:
        return snapshot.unit.code if snapshot.unit_id is not None else None


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = [
            "code", "title", "level", "measure", "comparator", "target", "aggregation", "counts_toward_pass",
        ]  # fmt: skip


class CriteriaSetSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True)

    class Meta:
        model = CriteriaSet
        fields = ["code", "name", "document_number", "issuing_body", "starts_on", "ends_on", "is_active", "criteria"]


class AssessmentSerializer(serializers.ModelSerializer):
    """A criterion value with its verdict, judged by ``pccc.evaluation.verdict`` (the one rule)."""

    criteria_set = serializers.CharField(source="criterion.criteria_set.code")
    criterion = serializers.CharField(source="criterion.code")
    unit = UnitRefSerializer()
    ratio = serializers.SerializerMethodField(help_text="Tử số / mẫu số, tính theo %.")
    verdict = serializers.SerializerMethodField(help_text="true: đạt, false: chưa đạt, null: chưa đánh giá.")

    class Meta:
        model = Assessment
        fields = [
            "id",
            "criteria_set",
            "criterion",
            "unit",
            "period",
            "value",
            "denominator",
            "answer",
            "ratio",
            "verdict",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_ratio(self, assessment) -> str | None:
        ratio = percent(assessment.value, assessment.denominator)
        return None if ratio is None else f"{ratio:.4f}"

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_verdict(self, assessment) -> bool | None:
        return verdict(
            assessment.criterion, value=assessment.value, denominator=assessment.denominator, answer=assessment.answer
        )
