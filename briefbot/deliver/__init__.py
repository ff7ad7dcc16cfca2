"""Deliver: the day's brief by email to confirmed subscribers, and the mails that manage them."""
