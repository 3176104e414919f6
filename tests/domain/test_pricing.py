from decimal import Decimal as D

import pytest

from domain.money import money
from domain.pricing import LineInput, PricingPolicy, VolumeTier, price_line, price_order

POLICY = PricingPolicy(
    default_margin=D("0.08"),
    category_margins={"Rice": D("0.05"), "oil": D("0.10")},
    volume_tiers=(
        VolumeTier(D("0.02"), min_quantity=D(10)),
        VolumeTier(D("0.04"), min_quantity=D(50)),
        VolumeTier(D("0.03"), min_line_value=D(5000)),
    ),
    min_margin=D("0.03"),
)


@pytest.mark.parametrize(
    ("cost", "category", "quantity", "unit", "total", "discount", "margin", "protected"),
    [
        # default margin 8 %, no tier
        ("100", "snacks", "2", "108.00", "216.00", "0.00", "16.00", False),
        # category matched case-insensitively: rice 5 %, qty 12 reaches 2 % -> 102.90 < floor 103.00
        ("100", "RICE", "12", "103.00", "1236.00", "24.00", "36.00", True),
        # oil 10 %: 110 × 0.98 = 107.80, above the floor
        ("100", " Oil ", "10", "107.80", "1078.00", "22.00", "78.00", False),
        # qty 50 reaches both quantity tiers: the larger (4 %) wins: 108 × 0.96 = 103.68
        ("100", "", "50", "103.68", "5184.00", "216.00", "184.00", False),
        # value tier: 6 × 1080 = 6480 ≥ 5000 -> 3 %
        ("1000", "x", "6", "1047.60", "6285.60", "194.40", "285.60", False),
        # half-up rounding of the unit price: 1.10 × 1.05 = 1.155 -> 1.16
        ("1.10", "rice", "3", "1.16", "3.48", "0.00", "0.18", False),
        # fractional quantity (kg): total from the rounded unit price
        ("55.55", "x", "2.5", "59.99", "149.98", "0.00", "11.10", False),
        # zero cost is allowed (free sample)
        ("0", "x", "1", "0.00", "0.00", "0.00", "0.00", False),
    ],
)
def test_price_line(cost, category, quantity, unit, total, discount, margin, protected):
    line = price_line(POLICY, D(cost), category, D(quantity))
    assert line.unit_price == D(unit)
    assert line.line_total == D(total)
    assert line.discount == D(discount)
    assert line.margin == D(margin)
    assert line.margin_protected is protected


@pytest.mark.parametrize("quantity", ["1", "3", "9.5", "10", "33", "49.999", "50", "120"])
@pytest.mark.parametrize("cost", ["0.99", "13.37", "99.995", "250"])
def test_invariants_shown_price_is_charged_and_floor_holds(cost, quantity):
    cost, quantity = D(cost), D(quantity)
    line = price_line(POLICY, cost, "rice", quantity)
    assert line.line_total == money(line.unit_price * quantity)
    assert line.unit_price == money(line.unit_price)
    assert line.unit_price >= cost * (1 + POLICY.min_margin)
    assert line.discount == money(line.list_unit_price * quantity) - line.line_total
    assert line.discount >= 0


def test_floor_is_rounded_up_not_half_up():
    policy = PricingPolicy(default_margin=D("0"), min_margin=D("0.03"))
    line = price_line(policy, D("0.99"), "x", D(1))  # 0.99 × 1.03 = 1.0197
    assert line.unit_price == D("1.02")
    assert line.margin_protected


def test_unknown_tiers_and_no_policy_tiers_mean_no_discount():
    plain = PricingPolicy(default_margin=D("0.10"))
    line = price_line(plain, D(100), "x", D(1000))
    assert (line.unit_price, line.discount, line.discount_rate) == (D("110.00"), D("0.00"), D(0))


@pytest.mark.parametrize(("cost", "quantity"), [("-1", "1"), ("10", "0"), ("10", "-2")])
def test_price_line_rejects_bad_inputs(cost, quantity):
    with pytest.raises(ValueError):
        price_line(POLICY, D(cost), "x", D(quantity))


def test_price_order_sums_rounded_lines_in_input_order():
    order = price_order(
        POLICY,
        [LineInput("RICE-25", D(100), "rice", D(12)), LineInput("OIL-1L", D("1.10"), "rice", D(3))],
    )
    assert [line.line_total for line in order.lines] == [D("1236.00"), D("3.48")]
    assert order.total == D("1239.48")
    assert order.discount == D("24.00")
    assert order.margin == D("36.18")


def test_price_order_of_nothing_is_zero():
    order = price_order(POLICY, [])
    assert (order.lines, order.total, order.discount, order.margin) == ((), D("0.00"), D("0.00"), D("0.00"))


def test_from_config_reads_floats_exactly():
    policy = PricingPolicy.from_config(
        {
            "default_margin": 0.08,
            "category_margins": {"Rice": 0.05},
            "volume_tiers": [
                {"min_quantity": 10, "discount": 0.02},
                {"min_line_value": 5000, "discount": 0.03},
            ],
            "min_margin": 0.03,
        }
    )
    assert policy.default_margin == D("0.08")
    assert policy.margin_for("rice") == D("0.05")
    assert policy.margin_for("unknown") == D("0.08")
    assert policy.volume_tiers == (
        VolumeTier(D("0.02"), min_quantity=D(10)),
        VolumeTier(D("0.03"), min_line_value=D(5000)),
    )
    assert policy.min_margin == D("0.03")


def test_from_config_defaults():
    policy = PricingPolicy.from_config({"default_margin": "0.1"})
    assert (policy.category_margins, policy.volume_tiers, policy.min_margin) == ({}, (), D(0))


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({}, "pricing.default_margin is required"),
        ({"default_margin": 0.1, "margin": 0.2}, "unknown key"),
        ({"default_margin": "lots"}, "pricing.default_margin must be a number"),
        ({"default_margin": -0.1}, "must not be negative"),
        ({"default_margin": 0.1, "category_margins": {"rice": None}}, "pricing.category_margins.rice"),
        ({"default_margin": 0.1, "volume_tiers": [{"discount": 0.1}]}, r"volume_tiers\[0\]: .*min_quantity"),
        ({"default_margin": 0.1, "volume_tiers": [{"min_quantity": 5}]}, r"volume_tiers\[0\]\.discount"),
        ({"default_margin": 0.1, "volume_tiers": [{"min_quantity": 5, "discount": 1}]}, r"\[0, 1\)"),
        ({"default_margin": 0.1, "volume_tiers": [{"min_qty": 5, "discount": 0.1}]}, "unknown key"),
    ],
)
def test_from_config_errors_name_the_key(config, message):
    with pytest.raises(ValueError, match=message) as info:
        PricingPolicy.from_config(config)
    assert str(info.value).startswith("pricing")
