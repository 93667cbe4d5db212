"""One pass of the synchronisation worker (``motcua sync_dvcqg``): pull the new submissions, then send
the due status updates. The state lives only in the database, so a pass can stop anywhere and the next
one — in this process or another, after a restart — carries on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .client import PortalClient, portal_client
from .inbound import PullSummary, submissions_pull
from .outbox import PushSummary, updates_send_due


@dataclass
class SyncSummary:
    pull: PullSummary | None = None
    push: PushSummary | None = None

    def lines(self) -> list[str]:
        out = []
        if self.pull is not None:
            p = self.pull
            text = (
                f"received: {p.accepted} new, {p.duplicates} duplicate, {p.rejected} rejected, "
                f"{p.refused} refused"
            )
            if p.unacknowledged:
                text += f", {p.unacknowledged} not acknowledged"
            if p.error:
                text += f" (pull failed: {p.error})"
            out.append(text)
        if self.push is not None:
            s = self.push
            text = (
                f"sent: {s.delivered} delivered ({s.duplicates} already there), {s.retrying} to retry, "
                f"{s.failed} failed"
            )
            if s.stopped:
                text += " (stopped: the portal is not answering)"
            out.append(text)
        return out


def sync_once(
    *, pull: bool = True, push: bool = True, now: dt.datetime | None = None, client: PortalClient | None = None,
    limit: int = 500,
) -> SyncSummary:  # fmt: skip
    """Raises ``PortalNotConfigured`` when the backend is ``off`` (or ``http`` without a URL)."""
    client = client or portal_client()
    summary = SyncSummary()
    if pull:
        summary.pull = submissions_pull(client=client, now=now)
    if push:
        summary.push = updates_send_due(client=client, now=now, limit=limit)
    return summary
