"""The investigator's side: scan exported servers (runner), link the findings (linking), report
them (report)."""
