#!/usr/bin/env node
// A scripted stand-in for `codex exec`: same argv, realistic JSONL on stdout, progress on stderr, real edits in
// the -C directory, the last message in the -o file. Driven by FAKE_CODEX_* variables or a scenario file
// (FAKE_CODEX_SCENARIO, JSON with the same keys in camelCase). No dependencies. See README.md.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

function usage(message) {
  process.stderr.write(`fake-codex: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { json: false, sandbox: null, skipGitRepoCheck: false, cd: null, output: null, model: null, config: [], prompt: null };
  if (argv[0] !== 'exec' && argv[0] !== 'e') {
    usage(`expected the exec subcommand, got ${JSON.stringify(argv[0])}`);
  }
  const value = (i, flag) => (i + 1 < argv.length ? argv[i + 1] : usage(`${flag} needs a value`));
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--json': case '--experimental-json': args.json = true; break;
      case '--skip-git-repo-check': args.skipGitRepoCheck = true; break;
      case '-s': case '--sandbox': args.sandbox = value(i, a); i++; break;
      case '-C': case '--cd': args.cd = value(i, a); i++; break;
      case '-o': case '--output-last-message': args.output = value(i, a); i++; break;
      case '-m': case '--model': args.model = value(i, a); i++; break;
      case '-c': case '--config': args.config.push(value(i, a)); i++; break;
      default:
        if (a.startsWith('-') && a !== '-') usage(`unknown flag ${a}`);
        if (args.prompt !== null) usage('more than one prompt');
        args.prompt = a;
    }
  }
  return args;
}

function loadScenario() {
  const file = process.env.FAKE_CODEX_SCENARIO;
  const scenario = file ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const env = (name, fallback) => process.env[name] ?? fallback;
  let edits = scenario.edits ?? {};
  if (process.env.FAKE_CODEX_EDITS) {
    edits = {};
    for (const entry of process.env.FAKE_CODEX_EDITS.split(';').filter(Boolean)) {
      const eq = entry.indexOf('=');
      edits[eq < 0 ? entry : entry.slice(0, eq)] = eq < 0 ? 'edited by fake-codex\n' : `${entry.slice(eq + 1)}\n`;
    }
  }
  return {
    mode: env('FAKE_CODEX_MODE', scenario.mode ?? 'success'),
    edits,
    turns: Number(env('FAKE_CODEX_TURNS', scenario.turns ?? 2)),
    slowMs: Number(env('FAKE_CODEX_SLOW_MS', scenario.slowMs ?? 200)),
    slowEvents: Number(env('FAKE_CODEX_SLOW_EVENTS', scenario.slowEvents ?? 5)),
    message: env('FAKE_CODEX_MESSAGE', scenario.message ?? 'Done: the requested change is made.'),
    record: env('FAKE_CODEX_RECORD', scenario.record ?? null),
    echoKey: env('FAKE_CODEX_ECHO_KEY', scenario.echoKey ? '1' : '0') === '1',
  };
}

const args = parseArgs(process.argv.slice(2));
const scenario = loadScenario();
let itemCounter = 0;
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const stderr = (line) => process.stderr.write(`${line}\n`);
const nextId = () => `item_${itemCounter++}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function fatal(message) {
  emit({ type: 'error', message });
  stderr(`ERROR: ${message}`);
  process.exit(1);
}

function applyEdits(cwd) {
  const changes = [];
  for (const [relative, content] of Object.entries(scenario.edits)) {
    const target = path.resolve(cwd, relative);
    const kind = fs.existsSync(target) ? 'update' : 'add';
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (kind === 'update') fs.appendFileSync(target, content); else fs.writeFileSync(target, content);
    changes.push({ path: target, kind });
  }
  return changes;
}

function usageFor(turn) {
  return { input_tokens: 1000 * turn, cached_input_tokens: 100 * turn, output_tokens: 50 * turn, reasoning_output_tokens: 10 * turn };
}

async function run(prompt) {
  const cwd = path.resolve(args.cd ?? process.cwd());
  if (!fs.existsSync(cwd)) fatal(`-C ${cwd} does not exist`);
  if (!args.skipGitRepoCheck && !fs.existsSync(path.join(cwd, '.git'))) {
    stderr('Not inside a trusted directory and --skip-git-repo-check was not specified.');
    process.exit(1);
  }
  if (!prompt.trim()) fatal('No prompt provided via stdin.');
  if (scenario.record) {
    fs.writeFileSync(scenario.record, JSON.stringify({
      pid: process.pid, argv: process.argv.slice(2), cwd, prompt, json: args.json, sandbox: args.sandbox,
      model: args.model, config: args.config, output: args.output, codexHome: process.env.CODEX_HOME ?? null,
      codexHomeEntries: process.env.CODEX_HOME && fs.existsSync(process.env.CODEX_HOME) ? fs.readdirSync(process.env.CODEX_HOME) : null,
      apiKeySha256: process.env.CODEX_API_KEY ? crypto.createHash('sha256').update(process.env.CODEX_API_KEY).digest('hex') : null,
    }));
  }
  if (process.env.CODEX_HOME) fs.writeFileSync(path.join(process.env.CODEX_HOME, 'fake-session.jsonl'), '{}\n');

  stderr(`OpenAI Codex (fake) -- workdir: ${cwd}, model: ${args.model ?? 'default'}, sandbox: ${args.sandbox ?? 'read-only'}`);
  if (scenario.echoKey) stderr(`using api key ${process.env.CODEX_API_KEY}`);
  emit({ type: 'thread.started', thread_id: crypto.randomUUID() });

  switch (scenario.mode) {
    case 'fail': fatal('stream error: unexpected status 401 Unauthorized'); break;
    case 'hang': await new Promise(() => setInterval(() => {}, 60_000)); break;
    case 'hang-ignoring-sigint':
      process.on('SIGINT', () => stderr('fake-codex: SIGINT received and ignored'));
      await new Promise(() => setInterval(() => {}, 60_000));
      break;
    default: break;
  }

  const changes = applyEdits(cwd);
  for (let turn = 1; turn <= scenario.turns; turn++) {
    emit({ type: 'turn.started' });
    if (scenario.mode === 'turn-failed') {
      emit({ type: 'turn.failed', error: { message: 'model refused: context window exceeded' } });
      stderr('turn failed');
      process.exit(0);
    }
    if (scenario.mode === 'reconnect') {
      // What the real CLI prints when the model API answers 5xx and a retry then succeeds.
      for (let attempt = 1; attempt <= 2; attempt++) {
        emit({ type: 'error', message: `Reconnecting... ${attempt}/5 (stream disconnected before completion: unexpected status 503 Service Unavailable)` });
      }
    }
    const command = { id: nextId(), type: 'command_execution', command: `bash -lc 'ls -a'`, aggregated_output: '', exit_code: null, status: 'in_progress' };
    emit({ type: 'item.started', item: command });
    emit({ type: 'item.completed', item: { ...command, aggregated_output: fs.readdirSync(cwd).join('\n'), exit_code: 0, status: 'completed' } });
    if (scenario.mode === 'slow') {
      for (let i = 0; i < scenario.slowEvents; i++) {
        await sleep(scenario.slowMs);
        emit({ type: 'item.completed', item: { id: nextId(), type: 'reasoning', text: `thinking ${i + 1}/${scenario.slowEvents}` } });
      }
    }
    if (turn === 1 && changes.length > 0) {
      emit({ type: 'item.completed', item: { id: nextId(), type: 'file_change', changes, status: 'completed' } });
    }
    const text = turn === scenario.turns ? scenario.message : `Turn ${turn} done.`;
    const keyNote = scenario.echoKey ? ` (key ${process.env.CODEX_API_KEY})` : '';
    emit({ type: 'item.completed', item: { id: nextId(), type: 'agent_message', text: `${text}${keyNote}` } });
    emit({ type: 'turn.completed', usage: usageFor(turn) });
  }

  if (scenario.mode !== 'no-output-file' && args.output) {
    fs.writeFileSync(args.output, scenario.message);
  }
  stderr('tokens used: done');
  process.exit(0);
}

if (args.prompt !== null && args.prompt !== '-') {
  run(args.prompt);
} else {
  stderr('Reading prompt from stdin...');
  const chunks = [];
  process.stdin.on('data', (chunk) => chunks.push(chunk));
  process.stdin.on('end', () => run(Buffer.concat(chunks).toString('utf8')));
}
