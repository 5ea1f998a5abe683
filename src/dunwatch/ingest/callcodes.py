"""Android call-log and message-box codes, shared by the readers that carry them.

Sources: AOSP `CallLog.Calls` TYPE (1 incoming, 2 outgoing, 3 missed, 4 voicemail, 5 rejected,
6 blocked, 7 answered externally) as read by ALEAPP `calllog.py`; SMS Backup & Restore writes the
same values in `<call type>` (its doc says 6 = "Refused List"); `Telephony.Sms` TYPE and MMS
`msg_box` (research/formats-and-anchors.md §1.2, §2.2–2.4). Unknown codes are not guessed: the
status then follows the duration, and the raw code stays in the event's raw values.
"""

from __future__ import annotations

_INCOMING_STATUS = {"1": "answered", "3": "missed", "4": "voicemail", "5": "rejected", "6": "rejected", "7": "answered"}

SMS_BOX = {"1": "received", "2": "sent", "3": "draft", "4": "outbox", "5": "failed", "6": "queued"}
OUTGOING_BOXES = {"2", "3", "4", "5", "6"}


def call_status(type_code: str, duration_s: int) -> tuple[str, bool]:
    """(status, outgoing) of an Android call-log row.

    An outgoing call has no answered flag in the log; a duration of 0 means it never connected."""
    code = str(type_code).strip()
    if code == "2":
        return ("answered" if duration_s > 0 else "failed"), True
    if code in _INCOMING_STATUS:
        return _INCOMING_STATUS[code], False
    return ("answered" if duration_s > 0 else "missed"), False


def absent(value: str | None) -> str:
    """SMS Backup & Restore writes the literal "null" for absent values (SyncTech doc)."""
    return "" if value is None or value == "null" else value
