"""Where the app keeps its data: the tables, the engine, and the queries, one module per thing they serve.

    models              every table
    db                  engine, sessions, migrations (backup: copies of a database)
    plans               the team's active plan, and what an import writes: sections, today's lists, roles
    shape_cache         what an import fixes about a plan (its shape), kept per process
    open_deliverables   which deliverables are open and whose: where a checklist starts, progress counts
    deliverable_views   a deliverable with what is shown next to it, read whole or as a page draws it
    completion          what a tick or a hand-in checks: who may, the deliverable's lock, what is left to do
    roster              people and the roles they play
    audit               who changed what
    deliveries          the clock's bookkeeping: what is owed, claimed and sent; the clock's lease

Queries are small keyword-only functions that take the session, written as plain selects. Two habits are kept
for the reads every drawing makes (`mine`, reminders, the Home tab, `status`, `blockers`, a tick's redraw),
and only there, because a figure says so (each drawing alone, in process, on bench.load's plan on SQLite: p50 ms):

- Built once: such a statement is a module constant with bound parameters, next to the function that runs it.
  Composing a select and its cache key costs about what running it costs: built per call, `status` took
  0.80 ms against 0.48, `mine` 3.0–3.3 against 2.2–2.4, `blockers` 3.3–3.8 against 2.4–2.7.
- Plain rows: what is only drawn is read through `session.connection()` as rows with the models' attribute
  names, never changed (no ORM objects, no autoflush): as ORM objects, `mine` took 2.7–2.8 ms against 2.3–2.5
  and `blockers` 2.6–2.7 against 2.3–2.4.
"""
