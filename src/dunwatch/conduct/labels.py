"""The conduct labels (definitions and examples in docs/labels.md). Order is the output order."""

from dunwatch.i18n import register, text

LABELS = (
    "threat_violence",
    "threat_legal_false",
    "impersonation_authority",
    "insult_abuse",
    "third_party_disclosure",
    "doxxing_pii",
    "reputational_smear",
    "inducement_to_borrow",
    "harassment_pressure",
    "lawful_reminder",
)
LAWFUL = "lawful_reminder"
# Every label but lawful_reminder describes conduct that breaks a rule; lawful_reminder is given
# only when none of these is found.
CONDUCT = LABELS[:-1]

# What people read for each label, wherever one is shown (dossier, web app, attribution reasons).
register({
    "label.threat_violence": ("暴力威胁", "threat of violence"),
    "label.threat_legal_false": ("虚假的法律后果威胁", "false legal threat"),
    "label.impersonation_authority": ("冒充公职人员", "impersonating officials"),
    "label.insult_abuse": ("辱骂", "insult or abuse"),
    "label.third_party_disclosure": ("向他人透露债务", "debt disclosed to others"),
    "label.doxxing_pii": ("散布个人信息", "personal data spread"),
    "label.reputational_smear": ("败坏名誉", "reputational smear"),
    "label.inducement_to_borrow": ("诱导借新还旧", "pushing to borrow"),
    "label.harassment_pressure": ("骚扰施压", "harassment or pressure"),
    "label.lawful_reminder": ("正常提醒", "lawful reminder"),
})


def label_name(label: str, lang: str) -> str:
    """The label's name in `lang`; a label from elsewhere (an imported labels file) as it is."""
    return text(f"label.{label}", lang, label)
