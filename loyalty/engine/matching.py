"""Goods matching of goods actions: which lines match, and how many of their units count.

A position matches when both include lists are empty or its category or its code is
included, and neither its category nor its code is excluded. Matched units are taken in
position order; `min_quantity` compares all matched units of the check; `max_quantity` caps
the units covered, so the last covered line may be covered in part (fractional units too).
"""

from dataclasses import dataclass

from .inputs import Position


@dataclass(frozen=True, slots=True)
class GoodsFilter:
    """The include/exclude lists of a rule. Equal filters share one `id` in a RuleSet, so an
    evaluation matches each distinct filter once."""

    id: int
    include_categories: frozenset[str]
    include_goods: frozenset[str]
    exclude_categories: frozenset[str]
    exclude_goods: frozenset[str]

    @property
    def include_all(self) -> bool:
        return not self.include_categories and not self.include_goods

    def matches(self, position: Position) -> bool:
        return position_matches(
            position,
            self.include_categories,
            self.include_goods,
            self.exclude_categories,
            self.exclude_goods,
        )


def position_matches(
    position: Position,
    include_categories: frozenset[str],
    include_goods: frozenset[str],
    exclude_categories: frozenset[str],
    exclude_goods: frozenset[str],
) -> bool:
    if position.category in exclude_categories or position.code in exclude_goods:
        return False
    if not include_categories and not include_goods:
        return True
    return position.category in include_categories or position.code in include_goods


class GoodsIndex:
    """The check's lines indexed by code and category, with a per-check cache of matches."""

    __slots__ = ("codes", "categories", "by_code", "by_category", "all", "_cache")

    def __init__(self, positions):
        self.codes = [p.code for p in positions]
        self.categories = [p.category for p in positions]
        by_code: dict[str, list[int]] = {}
        by_category: dict[str, list[int]] = {}
        for i, p in enumerate(positions):
            by_code.setdefault(p.code, []).append(i)
            by_category.setdefault(p.category, []).append(i)
        self.by_code = by_code
        self.by_category = by_category
        self.all = tuple(range(len(positions)))
        self._cache: dict[int, tuple[int, ...]] = {}

    def matched(self, goods_filter: GoodsFilter) -> tuple[int, ...]:
        """Indices of the matching lines, in position order."""
        found = self._cache.get(goods_filter.id)
        if found is None:
            found = self._match(goods_filter)
            self._cache[goods_filter.id] = found
        return found

    def _match(self, f: GoodsFilter) -> tuple[int, ...]:
        exc_cats, exc_goods = f.exclude_categories, f.exclude_goods
        if not f.include_categories and not f.include_goods:
            candidates = self.all
        else:
            picked: set[int] = set()
            for included, index in (
                (f.include_categories, self.by_category),
                (f.include_goods, self.by_code),
            ):
                if not included:
                    continue
                if len(included) <= len(index):
                    for key in included:
                        lines = index.get(key)
                        if lines:
                            picked.update(lines)
                else:
                    for key, lines in index.items():
                        if key in included:
                            picked.update(lines)
            if not picked:
                return ()
            candidates = tuple(sorted(picked))
        if not exc_cats and not exc_goods:
            return candidates
        codes, cats = self.codes, self.categories
        return tuple(i for i in candidates if codes[i] not in exc_goods and cats[i] not in exc_cats)


def cover_units(idx: tuple[int, ...], qty: list[int], max_units: int | None) -> list[int] | None:
    """Covered thousandths per matched line under `max_quantity`, in position order.

    None when every matched unit is covered (no cap, or the cap is not reached).
    """
    if max_units is None:
        return None
    left = max_units
    cover = []
    capped = False
    for i in idx:
        q = qty[i]
        if q <= left:
            cover.append(q)
            left -= q
        else:
            cover.append(left)
            left = 0
            capped = True
    return cover if capped else None
