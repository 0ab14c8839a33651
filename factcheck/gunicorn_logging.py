"""Gunicorn's access log as one JSON object a line, for log pipelines.

Built with json.dumps from gunicorn's own atoms, so a quote or a backslash in
a path or a user agent cannot break the line (a format string could).
"""

from __future__ import annotations

import json
import traceback

from gunicorn.glogging import Logger


class JsonAccessLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        try:
            atoms = self.atoms(resp, req, environ, request_time)
            self.access_log.info(json.dumps(access_record(atoms)))
        except Exception:
            self.error(traceback.format_exc())


def access_record(atoms: dict) -> dict:
    """The fields of one access-log line, from gunicorn's atoms."""
    return {
        "time": atoms["t"].strip("[]"),
        "remote": atoms["h"],
        "forwarded_for": atoms.get("{x-forwarded-for}i"),
        "method": atoms["m"],
        "path": atoms["U"],
        "query": atoms["q"] or None,
        "protocol": atoms["H"],
        "status": int(atoms["s"]),
        "bytes": atoms["B"],
        "duration_ms": round(atoms["D"] / 1000, 3),
        "referer": None if atoms["f"] == "-" else atoms["f"],
        "user_agent": None if atoms["a"] == "-" else atoms["a"],
        "pid": atoms["p"].strip("<>"),
    }
