"""The conduct labels (definitions and examples in docs/labels.md). Order is the output order."""

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
