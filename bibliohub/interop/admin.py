from bibliohub.interop.sip2 import admin as sip2_admin  # noqa: F401 - registers the models
