import json

from conftest import run_cli

from dunwatch.case import Case


def test_case_init_creates_folder_with_settings_and_genesis_entry(tmp_path):
    proc = run_cli("case", "init", str(tmp_path / "c"), "--jurisdiction", "cn", "--tz", "Asia/Shanghai")
    assert proc.returncode == 0, proc.stderr
    settings = json.loads((tmp_path / "c" / "case.json").read_text())
    assert settings["jurisdiction"] == "cn" and settings["tz"] == "Asia/Shanghai" and settings["region"] == "CN"
    with Case.open(tmp_path / "c") as c:
        rows = c.con.execute("SELECT seq, action, prev FROM ledger").fetchall()
    assert rows == [(1, "case.init", "0" * 64)]


def test_case_init_refuses_non_empty_folder_and_bad_settings(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    proc = run_cli("case", "init", str(tmp_path / "full"))
    assert proc.returncode == 2 and "full" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == ["keep.txt"]
    proc = run_cli("case", "init", str(tmp_path / "x"), "--tz", "Mars/Olympus")
    assert proc.returncode == 2 and "Mars/Olympus" in proc.stderr
    assert not (tmp_path / "x").exists()


def test_open_refuses_a_folder_that_is_not_a_case(tmp_path):
    proc = run_cli("verify", str(tmp_path))
    assert proc.returncode == 2
    assert "case.json" in proc.stderr and "Traceback" not in proc.stderr


def test_chinese_is_the_default_language(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DUNWATCH_LANG", "LANG", "LC_ALL", "LC_MESSAGES")}
    proc = subprocess.run([sys.executable, "-m", "dunwatch", "case", "init", str(tmp_path / "c")],
                          capture_output=True, text=True, env=env)
    assert "已创建案件" in proc.stdout


def test_case_info_says_what_the_case_holds_in_each_language(tmp_path):
    run_cli("case", "init", str(tmp_path / "c"), "--jurisdiction", "cn", "--tz", "Asia/Shanghai", check=True)
    zh = run_cli("case", "info", str(tmp_path / "c"), lang="zh-CN", check=True).stdout.splitlines()
    assert zh == ["辖区 cn，时区 Asia/Shanghai", "证据文件 0 个，事件 0 条，当事方 0 个，账本记录 1 条"]
    en = run_cli("case", "info", str(tmp_path / "c"), check=True).stdout.splitlines()
    assert en == ["jurisdiction cn, time zone Asia/Shanghai", "0 evidence file(s), 0 event(s), 0 part(ies), 1 ledger entr(ies)"]
