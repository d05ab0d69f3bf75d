"""Import a Greenhouse job's candidates and prospects into a sequence, once or every interval.

A feature: it takes a Session, a Greenhouse client and the sequences' `enrol` callback, and
returns plain values; the edges (API, jobs, CLI) queue its runs and wire the callback.
"""
