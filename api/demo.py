"""Demo data of the api app: Hà Nội publishes its results (``/cong-khai/01/``)."""

from pccc.models import CriteriaSet
from provinces.models import AdministrativeUnit
from tasks.models import Programme

from .models import PublicResults

DEMO_PUBLIC_PROVINCE = "01"


def seed_demo(stdout=None) -> None:
    """Opt Hà Nội in to the public page with the national programmes and the active criteria sets (idempotent)."""
    province = AdministrativeUnit.objects.current().filter(code=DEMO_PUBLIC_PROVINCE).first()
    if province is None:
        if stdout is not None:
            stdout.write("api: chưa có Thành phố Hà Nội, bỏ qua trang công khai mẫu.")
        return
    opt_in, _created = PublicResults.objects.get_or_create(province=province)
    opt_in.programmes.add(*Programme.objects.filter(unit__isnull=True))
    opt_in.criteria_sets.add(*CriteriaSet.objects.filter(is_active=True))
    if stdout is not None:
        stdout.write("api: trang công khai mẫu /cong-khai/01/")
