from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from domain.finance import age_buckets, bucket_of

NOW = datetime(2026, 11, 2, 4, 15, tzinfo=UTC)


def test_buckets():
    assert [bucket_of(d) for d in (0, 7, 8, 30, 31, 60, 61)] == ["0-7", "0-7", "8-30", "8-30", "31-60", "31-60", "60+"]


def test_outstanding_is_the_newest_debt():
    debits = [(NOW - timedelta(days=d), D(a)) for d, a in ((70, 1000), (20, 500), (2, 300))]
    assert age_buckets(debits, D(600), NOW) == {"0-7": D(300), "8-30": D(300), "31-60": D(0), "60+": D(0)}
    assert age_buckets(debits, D(2000), NOW)["60+"] == D(1200)   # 200 beyond the debits counts as oldest
    assert sum(age_buckets(debits, D(-50), NOW).values()) == 0


amounts = st.decimals(min_value=D("0.01"), max_value=100000, places=2)


@given(st.lists(st.tuples(st.integers(0, 400), amounts), max_size=20), st.decimals(-1000, 10**6, places=2))
def test_buckets_add_up_to_what_is_owed(debits, outstanding):
    buckets = age_buckets([(NOW - timedelta(days=d), a) for d, a in debits], outstanding, NOW)
    assert sum(buckets.values()) == max(D(0), outstanding)
    assert all(v >= 0 for v in buckets.values())
