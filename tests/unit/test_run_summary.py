"""The failures `ontcijferd run` prints: one line per reason (delivery/run_summary.py)."""

from types import SimpleNamespace

from delivery.run_summary import failure_lines


def failure(step, message):
    return SimpleNamespace(step=step, message=message, busy=False)


def test_steps_failing_for_one_reason_are_one_line_naming_every_step():
    # SYNTHETIC messages in the form sources/statline.py gives them.
    not_asked = "not asked — CBS gave no answer for 03759ned, 37201, 37230ned before it"
    failures = [
        failure("raw__cbs_03759ned", "CBS table 03759ned: no valid answer after 2 attempts"),
        failure("raw__cbs_70072ned", f"CBS table 70072ned: {not_asked}"),
        failure("raw__cbs_82550ned", f"CBS table 82550NED: {not_asked}"),
        failure("raw__cbs_85984ned", f"CBS table 85984NED: {not_asked}"),
        failure("raw__custom_laag_inkomen", "file laag_inkomen/2024.csv: row 2, column waarde"),
        failure(None, "DagsterStorageError: database or disk is full"),
    ]
    assert failure_lines(failures) == [
        "  STEP FAILED raw__cbs_03759ned: CBS table 03759ned: no valid answer after 2 attempts",
        f"  STEP FAILED raw__cbs_70072ned: CBS table 70072ned: {not_asked} (the same for 2 "
        "more: raw__cbs_82550ned, raw__cbs_85984ned)",
        "  STEP FAILED raw__custom_laag_inkomen: file laag_inkomen/2024.csv: row 2, column waarde",
        "  RUN NOT STARTED: DagsterStorageError: database or disk is full",
    ]
