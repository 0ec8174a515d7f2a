// Runs Salesforce CLI commands, unchanged, in one Node process: the CLI takes seconds to load its
// plugins, once per process, so a test that started `sf` for every command would spend most of its
// time loading. Each command runs with --json through oclif's own Config.runCommand, as `sf` runs
// it, and what it returned (or the error it raised) is written as a JSON array to the file named by
// SFCOMPAT_RESULTS, in order, for sfcompat_test.go to judge.
//
// Usage: node sfcompat.mjs '[["org","display"], ["data","query","-q","SELECT Id FROM User"]]'
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Config } from '@oclif/core/config';
import { ConfigAggregator, StateAggregator } from '@salesforce/core';

const cliRoot = fileURLToPath(new URL('node_modules/@salesforce/cli/', import.meta.url));

const out = process.env.SFCOMPAT_RESULTS;
if (!out) throw new Error('SFCOMPAT_RESULTS is not set');
const commands = JSON.parse(process.argv[2]);

const config = await Config.load(cliRoot);
const results = [];
for (const argv of commands) {
  // The command id is the longest leading run of words that names a command ("org list metadata").
  let n = argv.length;
  while (n > 0 && !config.findCommand(argv.slice(0, n).join(':'))) n--;
  if (n === 0) throw new Error(`no sf command in ${argv.join(' ')}`);
  const started = Date.now();
  try {
    const result = await config.runCommand(argv.slice(0, n).join(':'), [...argv.slice(n), '--json']);
    results.push({ argv, ms: Date.now() - started, result: result ?? null });
  } catch (err) {
    results.push({ argv, ms: Date.now() - started, error: { name: err.name, message: err.message, exitCode: err.exitCode ?? null } });
  }
  // A failed command sets the exit code, as `sf` would; this process reports it per command instead.
  process.exitCode = 0;
  // What a command changed in the CLI's configuration (a login, a default org) is read afresh by
  // the next one, as a new `sf` process would read it.
  await ConfigAggregator.clearInstance();
  await StateAggregator.clearInstanceAsync();
}
writeFileSync(out, JSON.stringify(results, null, 2));
