"""Input checks shared by forms, the API and the importer, each with a Chinese message."""

from __future__ import annotations

from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError

from xiehui.core.errors import ApplicationError


def clean_id_number(value: str, *, field: str = "legal_representative_id_number") -> str:
    """A mainland resident identity number (GB 11643) through python-stdnum."""
    try:
        return str(ric.validate(value or ""))
    except InvalidLength as exc:
        raise ApplicationError("居民身份证号码应为 18 位", code="id_number_length", field=field) from exc
    except InvalidChecksum as exc:
        raise ApplicationError("居民身份证号码校验位错误", code="id_number_checksum", field=field) from exc
    except InvalidComponent as exc:
        raise ApplicationError(
            "居民身份证号码中的出生日期或地址码无效", code="id_number_birth_date", field=field
        ) from exc
    except ValidationError as exc:
        raise ApplicationError("居民身份证号码格式错误", code="id_number_format", field=field) from exc
