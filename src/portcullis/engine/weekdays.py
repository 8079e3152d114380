"""Weekday numbers as settings give them: ISO numbers (Monday 1 … Sunday 7) or names."""

from __future__ import annotations

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CalendarError(ValueError):
    pass


def weekdays(text: str) -> tuple[int, ...]:
    """Text such as "6,7" or "Saturday, Sunday" as ISO weekday numbers (Monday 1 … 7)."""
    found = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if part.isdigit() and 1 <= int(part) <= 7:
            found.append(int(part))
            continue
        names = [d for d in DAYS if d.lower().startswith(part.lower()) and len(part) >= 3]
        if len(names) != 1:
            raise CalendarError(f"{part!r} is not a weekday (1 to 7, Monday 1, or its name)")
        found.append(DAYS.index(names[0]) + 1)
    return tuple(sorted(set(found)))
