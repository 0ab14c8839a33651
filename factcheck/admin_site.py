"""The admin site: Django's, with django-otp's second factor when
``settings.ADMIN_OTP`` is on (read per request, so one setting decides)."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class RegistryAdminSite(AdminSite):
    @property
    def login_form(self):
        return OTPAdminAuthenticationForm if settings.ADMIN_OTP else None

    @property
    def login_template(self):
        return OTPAdminSite.login_template if settings.ADMIN_OTP else None

    def has_permission(self, request):
        # With the second factor on, a signed-in user who has not passed it
        # is treated as not staff: the admin sends them to its login page.
        return super().has_permission(request) and (
            not settings.ADMIN_OTP or request.user.is_verified()
        )
