from ninja import Router

router = Router(tags=["达标评估与可达性"])
