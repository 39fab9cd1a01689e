"""One clerk's PC in the LAN concurrency test: ``python concurrent_clerk.py DATA_DIR N SAVES OUT``.

Saves SAVES organizations and, for every other one, a pairing of it with a village, as its own
login; writes one line per acknowledged save (``org <credit code>`` / ``pairing <agreement no>``)
to OUT, and ``error <message>`` for anything refused, so the test can compare with the database.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fupin_desktop.domain.credit_code import make_credit_code
from fupin_desktop.errors import KnownError
from fupin_desktop.services import organizations, pairings
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database

PROJECT = {"name": "助学圆梦", "domain": "教育", "method": "直接捐赠", "budget_fen": "1.5", "indicators": "资助 3 名学生"}


def main() -> None:
    data_dir, n, saves, out = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    db = Database.open(data_dir, create=False)
    ctx = ServiceContext(db, Forms(), login(db, "clerk", "demo"), data_dir)
    with out.open("w", encoding="utf-8") as log:
        for i in range(saves):
            code = make_credit_code("5", "1", "350582", f"M{n}C{i:05d}")
            try:
                organizations.save_organization(ctx, {"name": f"晋江市并发测试{n}号{i}协会", "credit_code": code,
                                                      "kind": "social_group"})
                log.write(f"org {code}\n")
                if i % 2 == 0:
                    result = pairings.save_pairing(ctx, {
                        "organization": code, "target_kind": "村（社区）", "township": "青阳街道", "target": "莲屿社区",
                        "campaign": "百社解千难", "signed_on": "2026-05-20", "term_start": "2026-05-20",
                        "term_end": "2027-12-31"}, [PROJECT])
                    log.write(f"pairing {pairings.get_pairing(ctx, result.id).values['agreement_no']}\n")
            except KnownError as exc:
                log.write(f"error {exc}\n")
            log.flush()
    db.dispose()


if __name__ == "__main__":
    main()
