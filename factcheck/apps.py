from django.contrib.admin.apps import AdminConfig


class RegistryAdminConfig(AdminConfig):
    """Django's admin app, with the site in factcheck.admin_site."""

    default_site = "factcheck.admin_site.RegistryAdminSite"
