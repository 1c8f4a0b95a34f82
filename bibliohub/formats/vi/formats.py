"""Vietnamese dates: "12 tháng 12 năm 2026", "Thứ Bảy, ngày 12 tháng 12 năm 2026", "T7, 12/12"."""

DATE_FORMAT = r"j \t\h\á\n\g n \n\ă\m Y"
DATETIME_FORMAT = r"H:i, j \t\h\á\n\g n \n\ă\m Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = r"j \t\h\á\n\g n"
YEAR_MONTH_FORMAT = r"\t\h\á\n\g n \n\ă\m Y"

DAY_LONG = ("{weekday}, ngày {date}", r"j \t\h\á\n\g n \n\ă\m Y")
DAY_SHORT = ("{weekday}, {date}", "d/m")
WEEKDAY_ABBREVIATIONS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
