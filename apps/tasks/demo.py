"""Demo data of this app, built after the program (see apps/programs/management/commands/load_demo.py)."""


def build(context) -> None:  # noqa: ANN001
    return None
