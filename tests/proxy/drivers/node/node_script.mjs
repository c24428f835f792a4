// The same conversation as the other driver scripts, through node-postgres
// (`pg` from npm, pure JavaScript protocol code). Connection from the PG*
// environment variables. tst_drivers compares a run straight to PostgreSQL
// with a run through Tether's proxy.
import crypto from 'node:crypto';
import pg from 'pg';

const client = new pg.Client();
const notices = [];
const notifications = [];
client.on('notice', (n) => notices.push(n.message));
client.on('notification', (n) => notifications.push([n.channel, n.payload]));
await client.connect();
const show = (label, value) => console.log(`${label}: ${JSON.stringify(value)}`);

let r = await client.query(
  "SELECT 1 AS one, NULL::text AS nothing, 'ünïcode'::text AS t, 12.50::numeric(6,2) AS num, true AS b, '\\x00ff'::bytea AS bytes");
show('types', { ...r.rows[0], bytes: r.rows[0].bytes.toString('hex') });
r = await client.query('SELECT $1::int + $2 AS sum, $3::text || \'!\' AS t, $4::text IS NULL AS isnull', [40, 2, 'param', null]);
show('parameters', r.rows);
r = await client.query({ name: 'doubler', text: 'SELECT $1::int * 2 AS doubled', values: [21] });
r = await client.query({ name: 'doubler', text: 'SELECT $1::int * 2 AS doubled', values: [50] });
show('named statement', r.rows);
r = await client.query({ text: 'SELECT 1 AS a, 2 AS b', rowMode: 'array' });
show('array mode', r.rows);

await client.query('CREATE TEMP TABLE driver_items(id serial PRIMARY KEY, name text NOT NULL, qty int)');
await client.query('BEGIN');
r = await client.query('INSERT INTO driver_items(name, qty) VALUES ($1, $2), ($3, $4) RETURNING id, name', ['a', 1, 'b', 2]);
show('insert returning', r.rows);
r = await client.query('UPDATE driver_items SET qty = qty * 10 WHERE name = $1', ['a']);
show('update rowcount', r.rowCount);
await client.query('COMMIT');
await client.query('BEGIN');
await client.query("DELETE FROM driver_items WHERE name = 'b'");
await client.query('ROLLBACK');
r = await client.query('SELECT name, qty FROM driver_items ORDER BY id');
show('after rollback', r.rows);

for (const sql of ['INSERT INTO driver_items(name) VALUES (NULL)', 'SELECT 1/0']) {
  try {
    await client.query(sql);
  } catch (e) {
    show('error', [e.code, e.message, e.column ?? null]);
  }
}
await client.query('BEGIN');
try { await client.query('SELECT 1/0'); } catch (e) { show('in transaction', e.code); }
try { await client.query("SELECT 'ignored'"); } catch (e) { show('aborted', e.code); }
await client.query('ROLLBACK');

await client.query("DO $$BEGIN RAISE NOTICE 'notice %', 7; END$$");
show('notices', notices);

r = await client.query('SELECT g, md5(g::text) AS h FROM generate_series(1, 100000) g');
show('large result', [r.rows.length, crypto.createHash('sha256').update(JSON.stringify(r.rows)).digest('hex')]);
// Several queries handed to the client at once.
const all = await Promise.all([1, 2, 3, 4, 5].map((i) => client.query('SELECT $1::int * 100 AS v', [i])));
show('queued queries', all.map((q) => q.rows[0].v));

await client.query('LISTEN driver_channel');
await client.query("NOTIFY driver_channel, 'hello from node-postgres'");
await client.query('SELECT 1'); // the notification has arrived by the time this answers
show('notifications', notifications);
await client.end();
console.log('done');
