#!/usr/bin/env node
// A strict stand-in for the `docker` CLI as scripts/conductor-control.sh uses it. Every call is checked against the
// exact shapes that script may issue; anything else fails (exit 125, as docker does for bad usage) and is recorded.
//
// FAKE_DOCKER_STATE: a folder holding state.json ({ "images": ["name:tag", ...], "pullable": [...],
// "running": "name:tag" | null }, updated by load/pull/compose up/stop) and calls.jsonl (one { argv, env, error? }
// per call; env holds the compose variables the call saw). FAKE_DOCKER_ARCHIVE_IMAGES: what `load` adds (comma-separated).
'use strict';

const fs = require('fs');
const path = require('path');

const dir = process.env.FAKE_DOCKER_STATE;
const stateFile = path.join(dir, 'state.json');
const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
const argv = process.argv.slice(2);
const env = {};
for (const name of ['CONDUCTOR_TAG', 'CONDUCTOR_IMAGE', 'WORKER_IMAGE', 'CONDUCTOR_DATA_DIR', 'CONDUCTOR_ENV_FILE']) {
  if (process.env[name] !== undefined) env[name] = process.env[name];
}

function record(error) {
  fs.appendFileSync(path.join(dir, 'calls.jsonl'), JSON.stringify(error ? { argv, env, error } : { argv, env }) + '\n');
}

function reject(message) {
  record(message);
  process.stderr.write(`fake docker: ${message}\n  argv: ${JSON.stringify(argv)}\n`);
  process.exit(125);
}

function save() {
  fs.writeFileSync(stateFile, JSON.stringify(state));
}

const is = (...expected) => JSON.stringify(argv) === JSON.stringify(expected);
const container = 'agent-conductor';

if (argv[0] === 'load' && argv.length === 3 && argv[1] === '--input') {
  if (!fs.existsSync(argv[2])) reject(`no archive ${argv[2]}`);
  state.images.push(...(process.env.FAKE_DOCKER_ARCHIVE_IMAGES || '').split(',').filter(Boolean));
  save();
  record();
} else if (argv[0] === 'image' && argv[1] === 'inspect' && argv.length === 3) {
  record();
  process.exit(state.images.includes(argv[2]) ? 0 : 1);
} else if (argv[0] === 'pull' && argv[1] === '--quiet' && argv.length === 3) {
  record();
  if (!state.pullable.includes(argv[2])) {
    process.stderr.write(`Error response from daemon: pull access denied for ${argv[2]}\n`);
    process.exit(1);
  }
  state.images.push(argv[2]);
  save();
  process.stdout.write(`docker.io/${argv[2]}\n`);
} else if (is('ps', '--filter', `name=^${container}$`, '--filter', 'status=running', '--format', '{{.Image}}')) {
  record();
  if (state.running) process.stdout.write(state.running + '\n');
} else if (is('ps', '--quiet', '--filter', `name=^${container}$`, '--filter', 'status=running')) {
  record();
  if (state.running) process.stdout.write('4f3c2b1a0d9e\n');
} else if (is('stop', '--time', '120', container)) {
  if (!state.running) reject('stop of a container that is not running');
  state.running = null;
  save();
  record();
  process.stdout.write(container + '\n');
} else if (argv[0] === 'compose') {
  // compose --env-file FILE -f COMPOSE up --detach --no-build conductor
  const [, envFlag, envFile, fileFlag, composeFile, ...rest] = argv;
  if (envFlag !== '--env-file' || fileFlag !== '-f' || JSON.stringify(rest) !== JSON.stringify(['up', '--detach', '--no-build', 'conductor'])) {
    reject('unexpected compose call');
  }
  if (!fs.existsSync(envFile) || envFile !== env.CONDUCTOR_ENV_FILE) reject(`--env-file ${envFile} is not CONDUCTOR_ENV_FILE`);
  if (!fs.existsSync(composeFile)) reject(`no compose file ${composeFile}`);
  for (const name of ['CONDUCTOR_TAG', 'CONDUCTOR_IMAGE', 'WORKER_IMAGE', 'CONDUCTOR_DATA_DIR']) {
    if (!env[name]) reject(`compose up without ${name}`);
  }
  for (const image of [`${env.CONDUCTOR_IMAGE}:${env.CONDUCTOR_TAG}`, `${env.WORKER_IMAGE}:${env.CONDUCTOR_TAG}`]) {
    if (!state.images.includes(image)) reject(`compose up of ${image}, which is not present`);
  }
  state.running = `${env.CONDUCTOR_IMAGE}:${env.CONDUCTOR_TAG}`;
  save();
  record();
} else {
  reject('unexpected call');
}
