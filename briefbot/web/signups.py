"""Form sign-ups, handled after the form has been answered: record the address as pending,
claim its confirmation mail in the store, send it. The answer cannot depend on what the
address is (new, pending, subscribed, unsubscribed) or on whether the mail server is up, so
the form tells nobody who subscribes, not even by its timing."""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy.exc import OperationalError

from briefbot.store import Store

log = logging.getLogger(__name__)

# One confirmation mail per address in this time, however often the form is sent for it.
CONFIRMATION_GAP = timedelta(minutes=10)
# A sign-up whose store is busy (another process writing) is tried again after these pauses.
BUSY_RETRIES = (1.0, 2.0, 4.0, 8.0, 15.0)


class SignUps:
    """A small pool of threads that handles sign-ups in the order they came.

    `send_confirmation(email, now)` composes and sends one confirmation mail (raising
    smtplib's errors or OSError). At most `max_waiting` sign-ups wait at once; `submit`
    refuses more, so a flood cannot grow the memory.
    """

    def __init__(
        self,
        store: Store,
        send_confirmation: Callable[[str, datetime], None],
        clock: Callable[[], datetime],
        max_waiting: int = 1000,
        threads: int = 2,
        retries: tuple[float, ...] = BUSY_RETRIES,
    ) -> None:
        self._store, self._send, self._clock = store, send_confirmation, clock
        self._max_waiting, self._retries = max_waiting, retries
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="briefbot-signup")
        self._waiting = 0
        self._idle = threading.Condition()

    def submit(self, email: str) -> bool:
        """Queue the sign-up of a checked address; False when too many are waiting."""
        with self._idle:
            if self._waiting >= self._max_waiting:
                return False
            self._waiting += 1
        self._pool.submit(self._run, email)
        return True

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every queued sign-up is done; False when `timeout` seconds passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._waiting == 0, timeout)

    def close(self, timeout: float = 10) -> None:
        """Finish the queued sign-ups within `timeout` seconds, then stop the threads; those
        not started by then are dropped, and logged."""
        if not self.wait_idle(timeout):
            with self._idle:
                log.error("stopping with %d sign-ups not handled", self._waiting)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, email: str) -> None:
        try:
            for pause in (*self._retries, None):
                try:
                    self._sign_up(email)
                    return
                except OperationalError as error:
                    if pause is None:
                        log.error("sign-up not recorded, the store stayed busy: %s", error.orig)
                        return
                    log.warning("store busy, sign-up tried again in %g s", pause)
                    time.sleep(pause)
        except Exception:  # a thread of the pool must not die silently
            log.exception("sign-up failed")
        finally:
            with self._idle:
                self._waiting -= 1
                self._idle.notify_all()

    def _sign_up(self, email: str) -> None:
        now = self._clock()
        self._store.request_subscription(email, now)
        if not self._store.claim_confirmation_mail(email, now, CONFIRMATION_GAP):
            return  # subscribed already, unsubscribed... or mailed within the gap
        try:
            self._send(email, now)
        except (smtplib.SMTPException, OSError) as error:
            log.warning("confirmation mail not sent (tried again on the next sign-up): %s", error)
            self._store.release_confirmation_mail(email, now)
