from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "apps.publication"
    verbose_name = "发布与门户"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The workflow's labels are lazy translations, read once the apps are ready.
        from apps.review.workflow import register  # noqa: PLC0415 - see above

        from .workflow import NOTICE_WORKFLOW, PUBLICATION_WORKFLOW  # noqa: PLC0415 - see above

        register("publication.publication", PUBLICATION_WORKFLOW)
        register("publication.notice", NOTICE_WORKFLOW)
