// Writes through Tether's proxy with node-postgres (parameters: the extended
// protocol; a named prepared statement). tst_driverwrites checks the output
// against tether-sim.
import pg from 'pg';

const tag = process.env.TETHER_TAG;
const client = new pg.Client();
await client.connect();

let r = await client.query("INSERT INTO salesforce.account (name, industry) VALUES ($1, 'Energy') RETURNING id, createddate",
  [`Drv ${tag} A`]);
const inserted = r.rows[0].id;
console.log(`insert: ${inserted}`);
console.log(`created: ${r.rows[0].createddate.toISOString()}`);
r = await client.query('UPDATE salesforce.account SET phone = $1 WHERE id = $2', ['+1 555 0101', inserted]);
console.log(`update: ${r.rowCount}`);

await client.query('BEGIN');
r = await client.query('INSERT INTO salesforce.account (name) VALUES ($1) RETURNING id', [`Drv ${tag} Parent`]);
console.log(`provisional: ${r.rows[0].id}`);
await client.query('INSERT INTO salesforce.contact (lastname, accountid) VALUES ($1, $2)', [`Drv ${tag} Child`, r.rows[0].id]);
await client.query('COMMIT');
r = await client.query('SELECT id FROM salesforce.account WHERE name = $1', [`Drv ${tag} Parent`]);
console.log(`parent: ${r.rows[0].id}`);
r = await client.query('SELECT id, accountid FROM salesforce.contact WHERE lastname = $1', [`Drv ${tag} Child`]);
const child = r.rows[0].id;
console.log(`child: ${child}`);
console.log(`child account: ${r.rows[0].accountid}`);

await client.query('BEGIN');
await client.query('INSERT INTO salesforce.account (name) VALUES ($1)', [`Drv ${tag} Rolled back`]);
await client.query('ROLLBACK');

try {
  await client.query('INSERT INTO salesforce.account (phone) VALUES ($1)', ['no name']);
  console.log('refused: none');
} catch (e) {
  console.log(`refused: ${e.code}`);
}

for (const title of ['Prepared 1', 'Prepared 2'])
  r = await client.query({ name: 'retitle', text: 'UPDATE salesforce.contact SET title = $1 WHERE id = $2', values: [title, child] });
console.log(`prepared: ${r.rowCount}`);
r = await client.query('DELETE FROM salesforce.account WHERE id = $1', [inserted]);
console.log(`delete: ${r.rowCount}`);
console.log('done');
await client.end();
