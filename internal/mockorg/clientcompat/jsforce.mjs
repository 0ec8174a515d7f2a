// Drives mockorg with the unchanged jsforce client, the way an integration would, and prints what
// it saw as one JSON object for clientcompat_test.go to judge. Nothing here works around mockorg:
// if jsforce cannot talk to it, mockorg is what gets fixed.
//
// Environment: MOCKORG_LOGIN_URL, MOCKORG_CLIENT_ID, MOCKORG_CLIENT_SECRET, MOCKORG_USERNAME,
// MOCKORG_PASSWORD, MOCKORG_APP_NAME (the connected app to create), MOCKORG_PERMSET_NAME.
// Exits 1 on any unexpected failure, naming the step that failed on stderr.
import jsforce from 'jsforce';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const loginUrl = env('MOCKORG_LOGIN_URL');
const clientId = env('MOCKORG_CLIENT_ID');
const clientSecret = env('MOCKORG_CLIENT_SECRET');
const username = env('MOCKORG_USERNAME');
const password = env('MOCKORG_PASSWORD');
const appName = env('MOCKORG_APP_NAME');
const permSetName = env('MOCKORG_PERMSET_NAME');

const newConnection = () =>
  new jsforce.Connection({ oauth2: { loginUrl, clientId, clientSecret }, version: '60.0' });

// jsforce answers a single fullName or a single list entry with an object, several with an array.
const asArray = (v) => (v == null ? [] : Array.isArray(v) ? v : [v]);

// A call that must fail: what jsforce made of mockorg's error, or a marker if it did not fail.
async function failure(call) {
  try {
    await call();
    return { failed: false };
  } catch (err) {
    return { failed: true, name: err.name, errorCode: err.errorCode, message: err.message };
  }
}

// autoFetch follows nextRecordsUrl until done; maxFetch is far above any seed so that it never
// cuts a result short.
const fetchAll = { autoFetch: true, maxFetch: 10000 };

const usernamesOf = (result) => ({
  totalSize: result.totalSize,
  done: result.done,
  usernames: result.records.map((r) => r.Username),
});

let step = 'start';
const out = {};

async function main() {
  step = 'login';
  const conn = newConnection();
  const userInfo = await conn.login(username, password);
  out.login = { userId: userInfo.id, organizationId: userInfo.organizationId, instanceUrl: conn.instanceUrl };

  step = 'read ConnectedAppSettings';
  out.settings = await conn.metadata.read('ConnectedAppSettings', 'ConnectedApp');

  step = 'create a ConnectedApp with upsert';
  const app = {
    fullName: appName,
    label: `${appName} label`,
    contactEmail: 'clientcompat@acme.test',
    description: 'created by jsforce',
    oauthConfig: {
      callbackUrl: 'https://clientcompat.acme.test/callback',
      scopes: ['Api', 'RefreshToken'],
      isAdminApproved: true,
    },
  };
  out.created = await conn.metadata.upsert('ConnectedApp', app);
  out.readCreated = await conn.metadata.read('ConnectedApp', appName);

  step = 'list ConnectedApps';
  out.listed = asArray(await conn.metadata.list([{ type: 'ConnectedApp' }], '60.0')).map((f) => ({
    type: f.type,
    fullName: f.fullName,
    id: f.id,
    manageableState: f.manageableState,
  }));

  step = 'update the ConnectedApp with upsert';
  out.updated = await conn.metadata.upsert('ConnectedApp', {
    ...app,
    label: `${appName} relabelled`,
    description: 'updated by jsforce',
    oauthConfig: { ...app.oauthConfig, scopes: ['Api', 'Web', 'RefreshToken'] },
  });
  out.readUpdated = await conn.metadata.read('ConnectedApp', appName);

  step = 'delete the ConnectedApp';
  out.deleted = await conn.metadata.delete('ConnectedApp', appName);
  out.readDeleted = await conn.metadata.read('ConnectedApp', appName);

  step = 'query users with autoFetch';
  out.usersQuery = usernamesOf(await conn.query('SELECT Id, Username, IsActive FROM User ORDER BY Username', fetchAll));

  step = 'query users with queryMore';
  const pages = [await conn.query('SELECT Id, Username FROM User ORDER BY Username')];
  while (!pages.at(-1).done) {
    pages.push(await conn.queryMore(pages.at(-1).nextRecordsUrl));
  }
  out.usersQueryMore = {
    pages: pages.length,
    firstDone: pages[0].done,
    usernames: pages.flatMap((p) => p.records.map((r) => r.Username)),
  };

  step = 'query users with scanAll';
  out.usersQueryAll = usernamesOf(
    await conn.query('SELECT Id, Username FROM User ORDER BY Username', { ...fetchAll, scanAll: true }),
  );

  step = 'query partner users';
  const partners = await conn.query("SELECT Id, Username FROM User WHERE UserType = 'PowerPartner'");
  out.partnerUsernames = partners.records.map((r) => r.Username);

  step = 'PermissionSet create, retrieve, update, destroy';
  const permSets = conn.sobject('PermissionSet');
  const created = await permSets.create({ Name: permSetName, Label: `${permSetName} label` });
  out.permSetCreated = created;
  out.permSetRetrieved = await permSets.retrieve(created.id);
  out.permSetUpdated = await permSets.update({
    Id: created.id,
    Label: `${permSetName} relabelled`,
    Description: 'updated by jsforce',
  });
  out.permSetRetrievedAfterUpdate = await permSets.retrieve(created.id);
  out.permSetDestroyed = await permSets.destroy(created.id);
  out.permSetRetrieveAfterDestroy = await failure(() => permSets.retrieve(created.id));

  step = 'calls that must fail';
  out.badField = await failure(() => conn.query('SELECT Id, NoSuchField__c FROM User'));
  out.badPassword = await failure(() => newConnection().login(username, `${password}-wrong`));

  // A session revoked mid-run, as an administrator would: jsforce logs in again with the same
  // password and retries the call, through REST and through the Metadata API alike.
  step = 'renew a revoked session';
  let refreshes = 0;
  conn.on('refresh', () => {
    refreshes += 1;
  });
  const revokeSession = async () => {
    const res = await fetch(`${loginUrl}/services/oauth2/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token: conn.accessToken }),
    });
    if (!res.ok) throw new Error(`revoking the session: HTTP ${res.status}`);
  };
  await revokeSession();
  const again = await conn.query(`SELECT Id FROM User WHERE Username = '${username}'`);
  await revokeSession();
  const settingsAgain = await conn.metadata.read('ConnectedAppSettings', 'ConnectedApp');
  out.sessionRefresh = { refreshes, queryTotalSize: again.totalSize, settingsFullName: settingsAgain.fullName };

  // logout revokes the access token; a connection still holding it must be turned away.
  step = 'logout';
  const { accessToken, instanceUrl } = conn;
  await conn.logout();
  out.afterLogout = await failure(() =>
    new jsforce.Connection({ instanceUrl, accessToken, version: '60.0' }).query('SELECT Id FROM User LIMIT 1'),
  );
}

try {
  await main();
} catch (err) {
  process.stderr.write(`jsforce.mjs: ${step} failed: ${err.name} ${err.errorCode ?? ''}: ${err.message}\n${err.stack}\n`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(out) + '\n');
