# Writes through Tether's proxy with psycopg2 (libpq; parameters interpolated
# by the client, so the simple protocol). tst_driverwrites checks the output
# against tether-sim.
import os
import psycopg2

tag = os.environ["TETHER_TAG"]
conn = psycopg2.connect("")
cur = conn.cursor()

conn.autocommit = True
cur.execute("INSERT INTO salesforce.account (name, industry) VALUES (%s, 'Energy') RETURNING id, createddate",
            (f"Drv {tag} A",))
inserted, created = cur.fetchone()
print(f"insert: {inserted}")
print(f"created: {created.isoformat()}")
cur.execute("UPDATE salesforce.account SET phone = %s WHERE id = %s", ("+1 555 0101", inserted))
print(f"update: {cur.rowcount}")

conn.autocommit = False
cur.execute("INSERT INTO salesforce.account (name) VALUES (%s) RETURNING id", (f"Drv {tag} Parent",))
provisional = cur.fetchone()[0]
print(f"provisional: {provisional}")
cur.execute("INSERT INTO salesforce.contact (lastname, accountid) VALUES (%s, %s)", (f"Drv {tag} Child", provisional))
conn.commit()
cur.execute("SELECT id FROM salesforce.account WHERE name = %s", (f"Drv {tag} Parent",))
print(f"parent: {cur.fetchone()[0]}")
cur.execute("SELECT id, accountid FROM salesforce.contact WHERE lastname = %s", (f"Drv {tag} Child",))
child, child_account = cur.fetchone()
print(f"child: {child}")
print(f"child account: {child_account}")
conn.commit()

cur.execute("INSERT INTO salesforce.account (name) VALUES (%s)", (f"Drv {tag} Rolled back",))
conn.rollback()

try:
    cur.execute("INSERT INTO salesforce.account (phone) VALUES ('no name')")
    conn.commit()
    print("refused: none")
except psycopg2.Error as e:
    print(f"refused: {e.pgcode}")
    conn.rollback()

conn.autocommit = True
cur.execute("PREPARE retitle(text, text) AS UPDATE salesforce.contact SET title = $1 WHERE id = $2")
cur.execute("EXECUTE retitle(%s, %s)", ("Prepared 1", child))
cur.execute("EXECUTE retitle(%s, %s)", ("Prepared 2", child))
print(f"prepared: {cur.rowcount}")
cur.execute("DELETE FROM salesforce.account WHERE id = %s", (inserted,))
print(f"delete: {cur.rowcount}")
print("done")
