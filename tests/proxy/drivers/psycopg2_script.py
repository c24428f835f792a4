# The same conversation as the other driver scripts, through psycopg2
# (libpq underneath). Connection from the PG* environment variables. Prints
# what a program would see; tst_drivers compares the output of a run straight
# to PostgreSQL with a run through Tether's proxy.
import hashlib
import io
import psycopg2
import psycopg2.extensions

conn = psycopg2.connect("")
conn.autocommit = True
cur = conn.cursor()

def show(label, value):
    print(f"{label}: {value!r}")

cur.execute("SELECT 1, NULL::text, 'ünïcode'::text, 12.50::numeric(6,2), '2024-02-29'::date, true, '\\x00ff'::bytea")
row = cur.fetchone()
show("types", (row[0], row[1], row[2], str(row[3]), str(row[4]), row[5], bytes(row[6])))

cur.execute("SELECT %s::int + %s, %s::text || '!', %s IS NULL", (40, 2, "param", None))
show("parameters", cur.fetchone())

cur.execute("CREATE TEMP TABLE driver_items(id serial PRIMARY KEY, name text NOT NULL, qty int)")
conn.autocommit = False
cur.execute("INSERT INTO driver_items(name, qty) VALUES (%s, %s), (%s, %s) RETURNING id, name", ("a", 1, "b", 2))
show("insert returning", cur.fetchall())
cur.execute("UPDATE driver_items SET qty = qty * 10 WHERE name = %s", ("a",))
show("update rowcount", cur.rowcount)
conn.commit()
cur.execute("DELETE FROM driver_items WHERE name = 'b'")
conn.rollback()
cur.execute("SELECT name, qty FROM driver_items ORDER BY id")
show("after rollback", cur.fetchall())
conn.commit()

try:
    cur.execute("INSERT INTO driver_items(name) VALUES (NULL)")
except psycopg2.Error as e:
    show("refused", (e.pgcode, e.diag.message_primary, e.diag.column_name))
    conn.rollback()
try:
    cur.execute("SELECT 1/0")
except psycopg2.Error as e:
    show("error", (e.pgcode, e.diag.message_primary))
    conn.rollback()
show("status after error", conn.get_transaction_status())

conn.autocommit = True
cur.execute("DO $$BEGIN RAISE NOTICE 'notice %', 7; END$$")
show("notices", [n.strip() for n in conn.notices])

cur.execute("SELECT g, md5(g::text) FROM generate_series(1, 100000) g")
rows = cur.fetchall()
show("large result", (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()))

out = io.StringIO()
cur.copy_expert("COPY (SELECT g, g * 2 FROM generate_series(1, 5000) g) TO STDOUT WITH (FORMAT csv)", out)
show("copy out", hashlib.sha256(out.getvalue().encode()).hexdigest())
data = io.StringIO("".join(f"{i}\tcopied {i}\t{i}\n" for i in range(1000, 21000)))
cur.copy_expert("COPY driver_items(id, name, qty) FROM STDIN", data)
cur.execute("SELECT count(*), sum(qty) FROM driver_items")
show("copy in", cur.fetchone())

conn.autocommit = False
named = conn.cursor(name="server_side")
named.itersize = 700
named.execute("SELECT g FROM generate_series(1, 5000) g")
show("server-side cursor", sum(r[0] for r in named))
named.close()
conn.commit()

conn.autocommit = True
cur.execute("LISTEN driver_channel")
cur.execute("NOTIFY driver_channel, 'hello from psycopg2'")
conn.poll()
show("notifications", [(n.channel, n.payload) for n in conn.notifies])
print("done")
