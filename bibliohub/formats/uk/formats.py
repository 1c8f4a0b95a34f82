"""Ukrainian dates: "12 грудня 2026 р.", "субота, 12 грудня 2026 р.", "сб, 12 грудня"."""

DATE_FORMAT = "j E Y р."
DATETIME_FORMAT = "j E Y р., H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j E"
YEAR_MONTH_FORMAT = "F Y р."

DAY_LONG = ("{weekday}, {date}", "j E Y р.")
DAY_SHORT = ("{weekday}, {date}", "j E")
WEEKDAYS_IN_LOWER_CASE = True
WEEKDAY_ABBREVIATIONS = ("пн", "вт", "ср", "чт", "пт", "сб", "нд")
