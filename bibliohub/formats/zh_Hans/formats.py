"""Simplified Chinese dates: "2026年12月12日", "2026年12月12日 星期六", "12月12日 周六"."""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATE_FORMAT = "Y/m/d"
SHORT_DATETIME_FORMAT = "Y/m/d H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"

DAY_LONG = ("{date} {weekday}", "Y年n月j日")
DAY_SHORT = ("{date} {weekday}", "n月j日")
WEEKDAY_ABBREVIATIONS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
