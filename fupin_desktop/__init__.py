"""fupin-desktop: 县级民政局社会组织参与脱贫攻坚工作管理."""

__version__ = "0.1.0"
