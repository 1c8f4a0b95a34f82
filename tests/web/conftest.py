from tests.web.records import all_on_loan, duong_kach_menh, hong_lou_meng, indexed  # noqa: F401
