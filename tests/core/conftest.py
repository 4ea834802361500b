from tests.tasks.conftest import plan  # noqa: F401  (the task fixtures, reused)
