from ninja import Router

router = Router(tags=["监测数据核算"])
