#!/usr/bin/env node
// A strict stand-in for the docker CLI: every call must be the next one a plan file expects, with exactly the
// expected arguments and environment; it answers with the planned output and exit code. No dependencies.
//
// FAKE_DOCKER_PLAN names the plan (JSON):
//   { "secrets": ["..."],                      no argument may contain any of these
//     "calls": [ { "args": ["container", "inspect", "x"],    exact argument list
//                  "env": { "JOB_TOKEN": "..." },           variables that must have exactly these values
//                  "unsetEnv": ["NAME"],                    variables that must not be set
//                  "stdout": "...", "stderr": "...", "exit": 0, "sleepMs": 0 } ] }
// Beside the plan it keeps <plan>.next (how many calls were made) and appends every refusal to <plan>.failures,
// so a test can check that all calls came and none was wrong. A refused call exits 97.
'use strict';

const fs = require('fs');

const planPath = process.env.FAKE_DOCKER_PLAN;
if (!planPath) {
  process.stderr.write('fake-docker-plan: FAKE_DOCKER_PLAN is not set\n');
  process.exit(97);
}

const plan = JSON.parse(fs.readFileSync(planPath, 'utf8'));
const nextPath = `${planPath}.next`;
const index = fs.existsSync(nextPath) ? Number(fs.readFileSync(nextPath, 'utf8')) : 0;
fs.writeFileSync(nextPath, String(index + 1));
const args = process.argv.slice(2);

function refuse(reason) {
  const line = `call ${index + 1} (docker ${JSON.stringify(args)}): ${reason}`;
  fs.appendFileSync(`${planPath}.failures`, line + '\n');
  process.stderr.write(`fake-docker-plan: ${line}\n`);
  process.exit(97);
}

for (const secret of plan.secrets || []) {
  if (args.some((a) => a.includes(secret))) refuse('a secret is on the command line');
}

const expected = (plan.calls || [])[index];
if (!expected) refuse(`only ${(plan.calls || []).length} calls were expected`);
if (JSON.stringify(args) !== JSON.stringify(expected.args)) refuse(`expected docker ${JSON.stringify(expected.args)}`);
for (const [name, value] of Object.entries(expected.env || {})) {
  if (process.env[name] !== value) refuse(`expected ${name} in the environment with its planned value`);
}
for (const name of expected.unsetEnv || []) {
  if (name in process.env) refuse(`expected ${name} not to be set`);
}

setTimeout(() => {
  process.stdout.write(expected.stdout || '');
  process.stderr.write(expected.stderr || '');
  process.exitCode = expected.exit || 0;
}, expected.sleepMs || 0);
