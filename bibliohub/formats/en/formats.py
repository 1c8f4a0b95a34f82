"""English dates: "12 December 2026", "Saturday, 12 December 2026", "Sat 12 Dec"."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"

# Read by bibliohub.dates: a day with its weekday, long and short.
DAY_LONG = ("{weekday}, {date}", "j F Y")
DAY_SHORT = ("{weekday} {date}", "j M")
