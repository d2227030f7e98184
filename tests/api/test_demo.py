from api.demo import seed_demo
from api.models import PublicResults


def test_demo_publishes_hanoi_once(data):
    seed_demo()
    seed_demo()
    opt_in = PublicResults.objects.get()
    assert opt_in.province.code == "01"
    assert list(opt_in.programmes.all()) == [data.national]
    assert list(opt_in.criteria_sets.all()) == [data.criteria_set]
