"""``fupin trust template / import / pending`` (issue 15): many units' certificates registered from a
sheet typed from their paper registers, all or nothing, and the packages that waited received."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from fupin_desktop.cli import main
from fupin_desktop.documents.seal_key import cert_fingerprint, create_seal_key, load_certificate
from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def setup(demo_dir: Path, tmp_path: Path, capsys, monkeypatch):  # type: ignore[no-untyped-def]
    """A city (泉州) with nothing registered; 晋江's package on a stick; 晋江's and 南安's
    certificates in one folder; and the fingerprints as their paper registers print them."""
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    monkeypatch.setenv("FUPIN_SEAL_PASSPHRASE", "demo")
    county = ["--data-dir", str(demo_dir), "--user", "reviewer"]
    month = str(Period.of_date(clock.today()).previous().previous())
    assert run(capsys, *county, "submit", "monthly", "--period", month, "-o", str(tmp_path / "usb"))[0] == 0
    certs = tmp_path / "certs"
    code, out, _ = run(capsys, *county, "seal", "export-cert", "-o", str(certs / "晋江市民政局.pem"))
    assert code == 0
    jinjiang = out.rsplit("：", 1)[1].strip()
    nanan_key = create_seal_key("南安市民政局", "350583", "某人", "secret-passphrase")
    (certs / "南安市民政局.cer").write_bytes(nanan_key.cert_pem)
    (certs / "说明.txt").write_text("各县证书", encoding="utf-8")
    nanan = cert_fingerprint(load_certificate(nanan_key.cert_pem))
    city = ["--data-dir", str(tmp_path / "city")]
    assert run(capsys, "init", *city, "--bureau", "泉州市民政局", "--division", "350500", "--admin", "admin")[0] == 0
    return {"city": [*city, "--user", "admin"], "certs": certs, "package": next((tmp_path / "usb").glob("*.zip")),
            "jinjiang": jinjiang, "nanan": nanan, "tmp": tmp_path, "month": month}


def _sheet(capsys, setup, rows: list[tuple[str, str, str]]) -> Path:  # type: ignore[no-untyped-def]
    """The template from ``trust template``, its rows from the third replaced by ``rows``."""
    path = setup["tmp"] / "登记表.xlsx"
    code, out, _ = run(capsys, *setup["city"], "trust", "template", "-o", str(path))
    assert code == 0 and "证书登记表" in out
    book = openpyxl.load_workbook(path)
    ws = book["证书登记"]
    assert [ws.cell(2, c).value for c in range(1, 4)] == ["区划代码", "单位名称", "证书指纹"]
    assert (ws.cell(3, 1).value, ws.cell(3, 2).value) == ("350502", "鲤城区")  # 泉州's units, pre-filled
    assert ws.cell(3, 3).number_format == "@"
    ws.delete_rows(3, ws.max_row)
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c).value = value
    book.save(path)
    return path


def _registered(capsys, setup) -> list[str]:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, *setup["city"], "trust", "list")
    assert code == 0
    return [line.split()[0] for line in out.splitlines()[1:] if line.strip()]


def test_a_sheet_of_two_counties_registers_both_and_receives_what_waited(capsys, setup) -> None:
    code, out, _ = run(capsys, *setup["city"], "receive", str(setup["package"]))
    assert code == 1 and "已暂存：登记该单位（350582）的证书后自动重新验证" in out
    code, out, _ = run(capsys, *setup["city"], "trust", "pending")
    assert code == 0 and "350582" in out and "等待登记该单位的证书" in out
    code, out, _ = run(capsys, *setup["city"], "trust", "pending", "--json")
    [waiting] = json.loads(out)
    assert code == 0 and waiting["division"] == "350582" and waiting["signer_fingerprint"] == setup["jinjiang"]

    # Typed as people type from paper: lower case, colons instead of spaces.
    typed = setup["nanan"].lower().replace(" ", ":")
    sheet = _sheet(capsys, setup, [("350582", "晋江市民政局", setup["jinjiang"]), ("350583", "南安市民政局", typed)])
    code, out, err = run(capsys, *setup["city"], "trust", "import", str(sheet), "--certs", str(setup["certs"]))
    assert code == 0, err
    assert "共登记 2 张证书" in out and "已登记 南安市民政局（350583）" in out
    assert "重新验证了 1 个暂存的报送包：1 个已接收" in out
    assert sorted(_registered(capsys, setup)) == ["350582", "350583"]
    code, out, _ = run(capsys, *setup["city"], "trust", "pending")
    assert code == 0 and "没有暂存的报送包" in out
    code, out, _ = run(capsys, *setup["city"], "receiving", "status", "--report", "monthly", "--period", setup["month"],
                       "--json")
    states = {r["division"]: r["state"] for r in json.loads(out)}
    assert code == 0 and states["350582"] == "received" and states["350583"] == "missing"

    # The same sheet again: nothing twice.
    code, out, _ = run(capsys, *setup["city"], "trust", "import", str(sheet), "--certs", str(setup["certs"]))
    assert code == 0 and "共登记 0 张证书" in out and "早已登记" in out
    assert len(_registered(capsys, setup)) == 2


def test_a_mistyped_fingerprint_in_row_3_refuses_the_whole_sheet(capsys, setup) -> None:
    wrong = setup["jinjiang"][:-1] + ("0" if setup["jinjiang"][-1] != "0" else "1")
    sheet = _sheet(capsys, setup, [("350582", "晋江市民政局", wrong), ("350583", "南安市民政局", setup["nanan"])])
    code, out, err = run(capsys, *setup["city"], "trust", "import", str(sheet), "--certs", str(setup["certs"]))
    assert code == 1 and "没有登记任何证书" in err
    assert "第3行「证书指纹」" in err and "第4行" not in err
    assert "晋江市民政局.pem" in err  # the file of that division, to compare its fingerprint with the paper
    assert _registered(capsys, setup) == []  # row 4 was right, and is not registered either


@pytest.mark.parametrize(("rows", "where"), [
    ([("350581", "石狮市民政局", "jinjiang")], "第3行「区划代码」"),  # 晋江's certificate typed on 石狮's row
    ([("350582", "晋江市民政局", "jinjiang"), ("350583", "南安市民政局", "jinjiang")], "第4行「证书指纹」"),
    ([("350582", "晋江市民政局", "jinjiang"), ("350582", "晋江", "nanan")], "第4行「区划代码」"),
    ([("3505X2", "晋江市民政局", "jinjiang")], "第3行「区划代码」"),
    ([("350582", "晋江市民政局", "1234 5678")], "第3行「证书指纹」"),
])
def test_every_problem_names_its_row_and_column_and_registers_nothing(capsys, setup, rows, where) -> None:
    sheet = _sheet(capsys, setup, [(d, n, setup[f]) if f in setup else (d, n, f) for d, n, f in rows])
    code, _, err = run(capsys, *setup["city"], "trust", "import", str(sheet), "--certs", str(setup["certs"]))
    assert code == 1 and where in err, err
    assert _registered(capsys, setup) == []


def test_an_administrator_discards_a_waiting_package_by_its_hash(capsys, setup) -> None:
    assert run(capsys, *setup["city"], "receive", str(setup["package"]))[0] == 1
    code, out, _ = run(capsys, *setup["city"], "trust", "pending", "--json")
    [waiting] = json.loads(out)
    prefix = waiting["sha256"][:12]
    code, out, _ = run(capsys, *setup["city"], "trust", "pending")
    assert code == 0 and prefix in out  # the table shows what to type

    code, out, err = run(capsys, *setup["city"], "trust", "discard", "0123abcd", "--reason", "误投")
    assert code != 0 and "没有哈希以「0123abcd」开头" in err + out and "Traceback" not in err
    code, out, err = run(capsys, *setup["city"], "trust", "discard", prefix, "--reason", "  ")
    assert code != 0 and "原因" in err + out
    code, out, _ = run(capsys, *setup["city"], "trust", "pending")
    assert "350582" in out  # refused twice, still there

    code, out, err = run(capsys, *setup["city"], "trust", "discard", prefix, "--reason", "晋江说这是测试包")
    assert code == 0, err
    assert "已删除暂存的报送包 晋江市民政局（350582）" in out
    code, out, _ = run(capsys, *setup["city"], "trust", "pending")
    assert code == 0 and "没有暂存的报送包" in out
