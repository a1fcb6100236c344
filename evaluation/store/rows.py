"""Writing one submission's tidy rows through the fastest path each engine offers, in the
caller's transaction (issue 16: storing must keep pace with reading)."""

from __future__ import annotations

import itertools

from sqlalchemy import Connection, Table

from evaluation import tidy

# from this many rows a table goes straight to the driver, streamed (PostgreSQL's COPY,
# SQLite's executemany of an iterator): no list of all its rows in memory
COPY_ROWS = 500


def insert_rows(conn: Connection, table: Table, columns: tidy.Columns, submission_id: int) -> None:
    """Insert one table's rows of a submission through the fastest path of the engine, in
    the caller's transaction: PostgreSQL's COPY or SQLite's executemany of a stream of
    tuples for many rows; for a few, one INSERT of all of them on PostgreSQL and one
    executemany of plain tuples on SQLite (no row objects, no statement per row)."""
    n = len(next(iter(columns.values()), []))
    if n == 0:
        return
    names = ["submission_id", *columns]
    rows = zip(itertools.repeat(submission_id, n), *columns.values(), strict=False)
    if table.name == "stories":  # dates: SQLAlchemy's own storage format for each engine
        conn.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in rows])
        return
    listed = ", ".join(names)
    postgres = conn.dialect.name == "postgresql"
    marks = ", ".join(["%s" if postgres else "?"] * len(names))
    insert = f"INSERT INTO {table.name} ({listed}) VALUES ({marks})"
    if n < COPY_ROWS and postgres:
        # one statement of n rows: one round trip to the server, where an executemany
        # sends each row on its own (a report's six tables were most of its store time)
        groups = ", ".join([f"({marks})"] * n)
        params = tuple(value for row in rows for value in row)
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({listed}) VALUES {groups}", params)
        return
    if n < COPY_ROWS:
        conn.exec_driver_sql(insert, list(rows))
        return
    driver = conn.connection.driver_connection
    assert driver is not None
    if postgres:
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({listed}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        cursor = driver.cursor()
        try:
            cursor.executemany(insert, rows)
        finally:
            cursor.close()
