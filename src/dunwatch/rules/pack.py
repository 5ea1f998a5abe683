"""Rule packs: one TOML data file per jurisdiction (packs/<id>.toml), validated on load.

A pack declares its rules; each rule names its kind (the relational query that checks it, see
kinds.py), its parameters, its legal citation, the confidence of that legal basis and a severity,
with a title and a plain-language explanation in zh-CN and en. Nothing about the law lives in code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from dunwatch.errors import UserError
from dunwatch.i18n import register, t
from dunwatch.rules import kinds

CONFIDENCES = ("H", "M", "L", "advisory")
SEVERITIES = ("high", "medium", "low")
LANGS = ("zh-CN", "en")
_RULE_ID = re.compile(r"^[a-z]{2}(\.[a-z0-9_]+)+$")

register({
    "rules.unknown_pack": ("未知规则包 {pack}，可选：{allowed}", "unknown rule pack {pack}; choose from {allowed}"),
    "rules.bad_pack": ("规则包有误：{problem}", "bad rule pack: {problem}"),
    "rules.unknown_rule": ("没有规则 {rule}", "no rule {rule} in this pack"),
    "rules.bad_set": ("--set 应写成 规则.参数=值，如 cn.call_frequency.limit=5", "--set takes RULE.PARAM=VALUE, e.g. cn.call_frequency.limit=5"),
})


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    params: dict
    citation: str
    confidence: str
    severity: str
    title: dict[str, str]  # templates; see title_for()
    explain: dict[str, str]
    research: str = ""

    def title_for(self) -> dict[str, str]:
        return {lang: self.title[lang].format(**self.params) for lang in LANGS}

    def explain_for(self) -> dict[str, str]:
        return {lang: self.explain[lang].format(**self.params) for lang in LANGS}


@dataclass(frozen=True)
class Pack:
    id: str
    title: dict[str, str]
    default_tz: str
    source: str
    rules: tuple[Rule, ...] = field(default_factory=tuple)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise UserError(t("rules.unknown_rule", rule=rule_id))


def available() -> list[str]:
    root = resources.files("dunwatch.rules") / "packs"
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def _pack_path(name: str) -> tuple[Path, str]:
    """A pack by name (bundled) or by path to a TOML file (a user's own pack)."""
    if name.endswith(".toml"):
        return Path(name), str(name)
    if name not in available():
        raise UserError(t("rules.unknown_pack", pack=name, allowed=", ".join(available())))
    return Path(str(resources.files("dunwatch.rules") / "packs" / f"{name}.toml")), name


def load(name: str, overrides: dict[str, dict] | None = None) -> Pack:
    """Load and validate a pack; `overrides` maps rule id -> {param: value} (validated like the pack)."""
    path, where = _pack_path(name)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(t("file.missing"), path) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise UserError(t("rules.bad_pack", problem=str(e).splitlines()[0]), where) from None
    try:
        return _build(data, overrides or {}, where)
    except (_Bad, kinds.BadParam) as e:
        raise UserError(str(e), where) from None


class _Bad(Exception):
    pass


def _need(cond: bool, problem: str) -> None:
    if not cond:
        raise _Bad(t("rules.bad_pack", problem=problem))


def _bilingual(obj: object, what: str) -> dict[str, str]:
    _need(isinstance(obj, dict) and all(isinstance(obj.get(l), str) and obj.get(l) for l in LANGS),
          f"{what} needs zh-CN and en")
    return {l: obj[l] for l in LANGS}


def _build(data: dict, overrides: dict[str, dict], where: str) -> Pack:
    head = data.get("pack")
    _need(isinstance(head, dict) and isinstance(head.get("id"), str), "[pack] id missing")
    pack_id = head["id"]
    rules: list[Rule] = []
    seen: set[str] = set()
    for raw in data.get("rule", []):
        _need(isinstance(raw, dict) and isinstance(raw.get("id"), str), "a [[rule]] has no id")
        rid = raw["id"]
        _need(bool(_RULE_ID.match(rid)) and rid.startswith(pack_id + "."), f"rule id {rid!r} must look like {pack_id}.name")
        _need(rid not in seen, f"rule {rid} declared twice")
        seen.add(rid)
        _need(raw.get("kind") in kinds.KINDS, f"rule {rid}: kind must be one of {', '.join(kinds.KINDS)}")
        _need(raw.get("confidence") in CONFIDENCES, f"rule {rid}: confidence must be one of {', '.join(CONFIDENCES)}")
        _need(raw.get("severity") in SEVERITIES, f"rule {rid}: severity must be one of {', '.join(SEVERITIES)}")
        _need(isinstance(raw.get("citation"), str) and raw["citation"].strip() != "", f"rule {rid}: citation missing")
        params = dict(raw.get("params", {}))
        params.update(overrides.get(rid, {}))
        params = kinds.KINDS[raw["kind"]].validate(rid, params)
        rule = Rule(id=rid, kind=raw["kind"], params=params, citation=raw["citation"], confidence=raw["confidence"],
                    severity=raw["severity"], title=_bilingual(raw.get("title"), f"rule {rid}: title"),
                    explain=_bilingual(raw.get("explain"), f"rule {rid}: explain"), research=raw.get("research", ""))
        try:
            rule.title_for(), rule.explain_for()
        except (KeyError, IndexError, ValueError) as e:
            raise _Bad(t("rules.bad_pack", problem=f"rule {rid}: title/explain placeholder {e}")) from None
        rules.append(rule)
    for rid in overrides:
        _need(rid in seen, t("rules.unknown_rule", rule=rid))
    _need(bool(rules), "no rules")
    return Pack(id=pack_id, title=_bilingual(head.get("title"), "[pack] title"), default_tz=head.get("default_tz", ""),
                source=head.get("source", ""), rules=tuple(rules))


def parse_sets(items: list[str] | tuple[str, ...]) -> dict[str, dict]:
    """`--set cn.call_frequency.limit=5` -> {"cn.call_frequency": {"limit": 5}}; values are TOML values
    (numbers, "strings", [lists]); a bare word is taken as a string."""
    out: dict[str, dict] = {}
    for item in items:
        key, eq, value = item.partition("=")
        rule, dot, param = key.strip().rpartition(".")
        if not eq or not dot or not rule or not param:
            raise UserError(t("rules.bad_set"))
        try:
            parsed = tomllib.loads(f"v = {value.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            parsed = value.strip()
        out.setdefault(rule, {})[param] = parsed
    return out
