from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import audit_hooks, two_factor

        audit_hooks.connect()
        user_logged_in.connect(two_factor.on_login, dispatch_uid="two_factor_note_login")
