"""Real published performance forms rebuilt as test data, one module per form.

Each module holds ``FORM`` (the grid as the unit's own Excel shows it) and ``EXPECTED`` (what a
reader must find in it, published text only). See tests/test_corpus_build.py for the checks
that keep both honest.
"""

from tests.corpus import (
    anhui_chizhou_2022_ziping,
    anhui_jinzhai_2021_shenbao,
    gansu_jiayuguan_2023_mubiao,
    guangdong_dongguan_2019_pifu,
    hebei_langfang_2019_ziping,
    hubei_huangshi_2019_jiankong,
    hubei_wuhan_2020_mubiao,
    hunan_nanyue_2018_shenbao,
    hunan_xiangtan_2023_shenbao,
    hunan_yueyangxian_2022_shenbao,
    sichuan_jingyan_2023_qingdan,
    sichuan_qingshen_2023_ziping,
    sichuan_zhongjiang_2022_ziping,
    yunnan_yongde_2022_ziping,
)

_MODULES = [
    anhui_chizhou_2022_ziping,
    anhui_jinzhai_2021_shenbao,
    gansu_jiayuguan_2023_mubiao,
    guangdong_dongguan_2019_pifu,
    hebei_langfang_2019_ziping,
    hubei_huangshi_2019_jiankong,
    hubei_wuhan_2020_mubiao,
    hunan_nanyue_2018_shenbao,
    hunan_xiangtan_2023_shenbao,
    hunan_yueyangxian_2022_shenbao,
    sichuan_jingyan_2023_qingdan,
    sichuan_qingshen_2023_ziping,
    sichuan_zhongjiang_2022_ziping,
    yunnan_yongde_2022_ziping,
]

FORMS = {module.__name__.rsplit(".", 1)[-1]: module for module in _MODULES}
