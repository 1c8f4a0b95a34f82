"""Polish dates: "12 grudnia 2026", "sobota, 12 grudnia 2026", "sob., 12 grudnia"."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j E"
YEAR_MONTH_FORMAT = "F Y"

DAY_LONG = ("{weekday}, {date}", "j E Y")
DAY_SHORT = ("{weekday}, {date}", "j E")
WEEKDAYS_IN_LOWER_CASE = True
WEEKDAY_ABBREVIATIONS = ("pon.", "wt.", "śr.", "czw.", "pt.", "sob.", "niedz.")
