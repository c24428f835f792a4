// Drives tether-sim with the unmodified jsforce client from npm: OAuth 2.0
// (authorization code + PKCE, refresh), identity, describe, SOQL with paging,
// CRUD, sObject collections (all-or-none) and Bulk API 2.0 query. Exits non-zero
// on the first failed check. Run by ctest as "simulator.jsforce".
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import jsforce from 'jsforce';

const simPath = process.env.TETHER_SIM_EXECUTABLE;
if (!simPath) {
  console.error('TETHER_SIM_EXECUTABLE is not set; run this through ctest.');
  process.exit(2);
}
const clientId = '3MVG9TetherSimDefaultConnectedApp.LocalOnly.x8Q2vB7nK4mZ1pR6tY9wE3sA5dF0gH';
const clientSecret = '7D3C1B9A8F6E4D2C0B1A9F8E7D6C5B4A3F2E1D0C9B8A7F6E5D4C3B2A1F0E9D8C';
const redirectUri = 'http://localhost:1717/OauthRedirect';

function startSim() {
  return new Promise((resolve, reject) => {
    const child = spawn(simPath, ['--port', '0', '--auto-approve', '--bulk-delay', '200',
      '--generate', 'Account=4500,Contact=300,User=3'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/tether-sim listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`tether-sim exited with ${code} before listening`)));
  });
}

let step = '';
const check = (name) => { step = name; console.log(`- ${name}`); };

const { child, url } = await startSim();
try {
  check('OAuth authorization code with PKCE through jsforce.OAuth2');
  const oauth2 = new jsforce.OAuth2({ loginUrl: url, clientId, clientSecret, redirectUri, useVerifier: true });
  const authUrl = oauth2.getAuthorizationUrl({ scope: 'api refresh_token', state: 'st-42' });
  assert.match(authUrl, /code_challenge=/);
  const redirect = await fetch(authUrl, { redirect: 'manual' });
  assert.equal(redirect.status, 302);
  const back = new URL(redirect.headers.get('location'));
  assert.equal(back.searchParams.get('state'), 'st-42');
  const conn = new jsforce.Connection({ oauth2, version: '59.0' });
  const userInfo = await conn.authorize(back.searchParams.get('code'));
  assert.equal(conn.instanceUrl, url);
  assert.ok(conn.accessToken);
  assert.ok(conn.refreshToken);
  assert.match(userInfo.id, /^005/);
  assert.match(userInfo.organizationId, /^00D/);

  check('identity');
  const identity = await conn.identity();
  assert.equal(identity.username, 'admin@tether.sim');

  check('refresh token');
  const before = conn.accessToken;
  const refreshed = await oauth2.refreshToken(conn.refreshToken);
  assert.ok(refreshed.access_token && refreshed.access_token !== before);

  check('limits and global describe');
  const limits = await conn.limits();
  assert.ok(limits.DailyApiRequests.Max > 0);
  const global = await conn.describeGlobal();
  assert.ok(global.sobjects.some((s) => s.name === 'Invoice__c'));

  check('describe Account');
  const describe = await conn.sobject('Account').describe();
  const fields = Object.fromEntries(describe.fields.map((f) => [f.name, f]));
  assert.equal(fields.AnnualRevenue.type, 'currency');
  assert.equal(fields.BillingAddress.type, 'address');
  assert.equal(fields.ParentId.relationshipName, 'Parent');

  check('query with autoFetch over several pages (nextRecordsUrl)');
  const records = [];
  await new Promise((resolve, reject) => {
    conn.query('SELECT Id, Name, Owner.Name FROM Account ORDER BY Id')
      .on('record', (r) => records.push(r))
      .on('end', resolve)
      .on('error', reject)
      .run({ autoFetch: true, maxFetch: 100000 });
  });
  assert.equal(records.length, 4500);
  assert.equal(new Set(records.map((r) => r.Id)).size, 4500);
  assert.ok(records[4499].Owner.Name);

  check('queryMore by hand');
  const first = await conn.query('SELECT Id FROM Account');
  assert.equal(first.done, false);
  assert.equal(first.records.length, 2000);
  const second = await conn.queryMore(first.nextRecordsUrl);
  assert.equal(second.records.length, 2000);
  await assert.rejects(conn.queryMore('01g5g0000000zzzAAA-2000'), (e) => e.errorCode === 'INVALID_QUERY_LOCATOR');

  check('SOQL error surfaces as errorCode');
  await assert.rejects(conn.query('SELECT Id, Foo FROM Account'), (e) => e.errorCode === 'INVALID_FIELD');

  check('create / retrieve / update / destroy');
  const created = await conn.sobject('Account').create({ Name: 'jsforce Co', NumberOfEmployees: 42 });
  assert.equal(created.success, true);
  const got = await conn.sobject('Account').retrieve(created.id);
  assert.equal(got.NumberOfEmployees, 42);
  const updated = await conn.sobject('Account').update({ Id: created.id, Name: 'jsforce Co 2' });
  assert.equal(updated.success, true);
  assert.equal((await conn.sobject('Account').retrieve(created.id)).Name, 'jsforce Co 2');
  const destroyed = await conn.sobject('Account').destroy(created.id);
  assert.equal(destroyed.success, true);

  check('sObject collections (create, update, delete)');
  const many = await conn.sobject('Contact').create([
    { LastName: 'One' }, { LastName: 'Two' }, { LastName: 'Three' }], { allOrNone: true });
  assert.equal(many.length, 3);
  assert.ok(many.every((r) => r.success));
  const upd = await conn.sobject('Contact').update(many.map((r) => ({ Id: r.id, Title: 'Buyer' })), { allOrNone: true });
  assert.ok(upd.every((r) => r.success), JSON.stringify(upd));
  const del = await conn.sobject('Contact').destroy(many.map((r) => r.id), { allOrNone: true });
  assert.ok(del.every((r) => r.success));

  check('sObject collections all-or-none rollback');
  const rolled = await conn.sobject('Contact').create([{ LastName: 'Good' }, { FirstName: 'NoLastName' }], { allOrNone: true });
  assert.equal(rolled.length, 2);
  assert.ok(rolled.every((r) => !r.success));
  const codes = rolled.flatMap((r) => r.errors.map((e) => e.errorCode || e.statusCode));
  assert.ok(codes.includes('REQUIRED_FIELD_MISSING'), JSON.stringify(rolled));
  assert.ok(codes.includes('ALL_OR_NONE_OPERATION_ROLLED_BACK'), JSON.stringify(rolled));
  const count = await conn.query("SELECT COUNT() FROM Contact WHERE LastName = 'Good'");
  assert.equal(count.totalSize, 0);

  check('Bulk API 2.0 query');
  const bulkRecords = await conn.bulk2.query('SELECT Id, Name FROM Account', { pollInterval: 100, pollTimeout: 60000 });
  const rows = [];
  for await (const r of bulkRecords) rows.push(r);
  assert.equal(rows.length, 4500);
  assert.match(rows[0].Id, /^001/);

  console.log('jsforce against tether-sim: all checks passed');
} catch (e) {
  console.error(`FAILED at "${step}":`, e);
  process.exitCode = 1;
} finally {
  child.kill();
}
