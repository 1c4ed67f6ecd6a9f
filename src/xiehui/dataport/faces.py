"""Links of the data port: keys and the query audit (console), bulk downloads (everyone)."""

from xiehui.core.models import Role
from xiehui.web import panels

panels.link("console_nav", label="数据端口密钥", url_name="dataport:console_keys", order=92, roles=(Role.OFFICER,))
panels.link("console_nav", label="数据查询审计", url_name="dataport:console_queries", order=93, roles=(Role.OFFICER,))
panels.link("site_nav", label="数据端口密钥", url_name="dataport:console_keys", order=92, roles=(Role.ADMIN,))
panels.link("site_nav", label="数据下载", url_name="dataport:exports", order=80)
