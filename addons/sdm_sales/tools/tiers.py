"""Tier maths shared by rebates (sdm_finance) and incentives (sdm_planning): pure functions, no ORM.

A tier table is a sequence of thresholds in ascending order, each with what it pays. A value reaches the highest
tier whose threshold it meets; the next tier is the lowest one above it. A rate table pays ``value × rate``:
retroactive at the rate of the tier reached for the whole value, incremental each bracket at its own rate. A
payout curve maps a value (achievement in %) to a payout (in % of target): linear between its points, in steps,
or by a rate table; it may be capped.
"""

LINEAR = "linear"
STEPS = "steps"
RATE = "rate"


def reached_index(thresholds, value):
    """Index of the highest threshold ``value`` meets; ``None`` below the first one or for ``value`` None."""
    if value is None:
        return None
    reached = None
    for index, threshold in enumerate(thresholds):
        if value >= threshold:
            reached = index
    return reached


def next_index(thresholds, value):
    """Index of the lowest threshold above ``value``; ``None`` at the top or for ``value`` None."""
    if value is None:
        return None
    for index, threshold in enumerate(thresholds):
        if threshold > value:
            return index
    return None


def duplicate_thresholds(thresholds):
    """The thresholds given more than once, ascending (a tier table needs distinct starts)."""
    seen, duplicates = set(), set()
    for threshold in thresholds:
        (duplicates if threshold in seen else seen).add(threshold)
    return sorted(duplicates)


def rate_amount(tiers, value, incremental=False, measure=None):
    """What a rate table pays for ``value``: ``tiers`` are ``(threshold, rate per unit of value)`` in ascending
    order. Retroactive: the whole value at the rate of the tier reached; incremental: each bracket, from its
    threshold to the next one, at its own rate. ``measure`` is what the thresholds are compared with when it is
    not the value itself (e.g. growth in % while the rate applies to the amount; retroactive only). Nothing below
    the first tier or for a value of 0 or less."""
    thresholds = [threshold for threshold, _rate in tiers]
    reached = reached_index(thresholds, value if measure is None else measure)
    if value is None or value <= 0 or reached is None:
        return 0.0
    if not incremental:
        return value * tiers[reached][1]
    amount = 0.0
    for index, (threshold, rate) in enumerate(tiers):
        upper = thresholds[index + 1] if index + 1 < len(thresholds) else value
        portion = min(value, upper) - threshold
        if portion > 0:
            amount += portion * rate
    return amount


def capped(amount, cap):
    """``amount`` no higher than ``cap``; a cap of 0 or ``None`` is no cap."""
    return min(amount, cap) if cap else amount


def curve_payout(points, value, curve=LINEAR, incremental=False, cap=None):
    """Payout (in % of target) of a curve at ``value`` (achievement in %).

    ``points`` are ``(from, payout, rate)`` in ascending order of ``from``:
    - linear: nothing below the first point, straight lines between points, above the last point its payout plus
      ``rate`` / 100 payout points per point of value (an accelerator; 0 keeps it flat);
    - steps: the payout of the point reached, flat until the next one;
    - rate: ``value × rate / 100`` (``rate`` in % of the value), retroactive or incremental as a rate table.
    Then the cap (0: none)."""
    if not points or value is None:
        return 0.0
    thresholds = [point[0] for point in points]
    if curve == RATE:
        payout = rate_amount([(start, rate / 100.0) for start, _payout, rate in points], value, incremental)
        return capped(payout, cap)
    reached = reached_index(thresholds, value)
    if reached is None:
        return 0.0
    start, payout, rate = points[reached]
    if curve == LINEAR:
        if reached + 1 < len(points):
            end, end_payout, _rate = points[reached + 1]
            payout += (end_payout - payout) * (value - start) / (end - start)
        else:
            payout += (value - start) * rate / 100.0
    return capped(payout, cap)


def progress_percent(value, target):
    """How far ``value`` has come towards ``target``, 0–100: 100 without a target (top reached), 0 for a value
    of ``None`` or a target of 0 or less."""
    if value is None:
        return 0.0
    if target is None:
        return 100.0
    if target <= 0:
        return 0.0
    return min(max(100.0 * value / target, 0.0), 100.0)


def still_needed(value, target):
    """What ``value`` lacks to reach ``target`` (0 without a target or once reached)."""
    if target is None:
        return 0.0
    return max(target - (value or 0.0), 0.0)
