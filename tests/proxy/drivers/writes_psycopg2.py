# Writes to synced tables through Tether's proxy with psycopg2 (simple
# protocol, parameters interpolated by the driver). Connection from the PG*
# environment. Prints what the program saw; tst_writes checks it against
# tether-sim's own answers.
import psycopg2
import psycopg2.errors

conn = psycopg2.connect("")
conn.autocommit = True
cur = conn.cursor()

cur.execute("INSERT INTO salesforce.account (name) VALUES (%s) RETURNING id", ("psycopg2 Inc",))
account = cur.fetchone()[0]
print("inserted", account)
cur.execute("UPDATE salesforce.account SET name = %s WHERE id = %s", ("psycopg2 Renamed", account))
print("updated", cur.rowcount)

conn.autocommit = False
cur.execute("INSERT INTO salesforce.account (name) VALUES ('psycopg2 Parent') RETURNING id")
parent = cur.fetchone()[0]
cur.execute("INSERT INTO salesforce.contact (lastname, accountid) VALUES ('psycopg2 Child', %s)", (parent,))
conn.commit()
cur.execute("SELECT c.id, c.accountid, a.id FROM salesforce.contact c JOIN salesforce.account a ON a.id = c.accountid "
            "WHERE c.lastname = 'psycopg2 Child'")
child, child_account, parent_real = cur.fetchone()
print("child", child, child_account == parent_real)
conn.commit()

cur.execute("INSERT INTO salesforce.account (name) VALUES ('psycopg2 Rolled back')")
conn.rollback()

try:
    cur.execute("INSERT INTO salesforce.contact (firstname) VALUES ('psycopg2 Nameless')")
    conn.commit()
    print("refused", "no")
except psycopg2.Error as e:
    conn.rollback()
    print("refused", e.pgcode)

conn.autocommit = True
cur.execute("DELETE FROM salesforce.account WHERE id = %s", (account,))
print("deleted", cur.rowcount)
