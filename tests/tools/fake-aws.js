#!/usr/bin/env node
// A strict stand-in for the `aws` CLI as scripts/ssm-deploy.sh uses it: ec2 describe-instances, ssm send-command and
// ssm get-command-invocation, each with exactly the expected arguments. Anything else fails (exit 252, as the CLI does
// for bad usage) and is recorded, so a test sees it even when the script swallowed the error.
//
// FAKE_AWS_PLAN: a JSON file
//   { "region": null | "eu-west-1",                      expected --region (null: none)
//     "instanceTag": "Name=agent-conductor",             expected tag filter
//     "instances": ["i-0123456789abcdef0"],              what describe-instances finds
//     "instanceId": "i-0123456789abcdef0",               expected target of send-command
//     "command": "/opt/.../deploy-conductor.sh --tag v2 --drain-timeout 60",
//     "executionTimeout": "960", "deliveryTimeout": "600",
//     "notYet": 1,                                        first polls answering InvocationDoesNotExist
//     "invocations": [["InProgress","InProgress",-1], ["Success","Success",0]],  one per poll, the last repeats
//     "stdout": "...", "stderr": "..." }                  the remote output
// FAKE_AWS_STATE: a folder for the call log (calls.jsonl: one {argv, error?} per call) and the poll counter.
'use strict';

const fs = require('fs');
const path = require('path');

const plan = JSON.parse(fs.readFileSync(process.env.FAKE_AWS_PLAN, 'utf8'));
const state = process.env.FAKE_AWS_STATE;
const argv = process.argv.slice(2);
const commandId = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';

function record(error) {
  fs.appendFileSync(path.join(state, 'calls.jsonl'), JSON.stringify(error ? { argv, error } : { argv }) + '\n');
}

function reject(message) {
  record(message);
  process.stderr.write(`fake aws: ${message}\n  argv: ${JSON.stringify(argv)}\n`);
  process.exit(252);
}

function counter(name) {
  const file = path.join(state, name);
  const value = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0;
  fs.writeFileSync(file, String(value + 1));
  return value;
}

// --region first (as the script passes it), then service, operation and --flag value pairs.
let args = argv;
if (args[0] === '--region') {
  if (plan.region !== args[1]) reject(`unexpected --region ${args[1]}`);
  args = args.slice(2);
} else if (plan.region) {
  reject(`--region ${plan.region} missing`);
}
const [service, operation, ...rest] = args;
const options = {};
for (let i = 0; i < rest.length; i++) {
  const flag = rest[i];
  if (!flag.startsWith('--')) reject(`stray argument ${flag}`);
  if (flag in options) reject(`${flag} given twice`);
  const values = [];
  while (i + 1 < rest.length && !rest[i + 1].startsWith('--')) values.push(rest[++i]);
  options[flag] = values;
}

function expect(expected) {
  const names = Object.keys(expected).sort();
  if (JSON.stringify(Object.keys(options).sort()) !== JSON.stringify(names)) {
    reject(`${service} ${operation}: expected exactly ${names.join(' ')}`);
  }
  for (const [flag, values] of Object.entries(expected)) {
    if (values !== null && JSON.stringify(options[flag]) !== JSON.stringify(values)) {
      reject(`${service} ${operation}: ${flag} ${JSON.stringify(options[flag])}, expected ${JSON.stringify(values)}`);
    }
  }
}

const call = `${service} ${operation}`;
if (call === 'ec2 describe-instances') {
  const [key, value] = plan.instanceTag.split('=');
  expect({
    '--filters': [`Name=tag:${key},Values=${value}`, 'Name=instance-state-name,Values=running'],
    '--query': ['Reservations[].Instances[].InstanceId'],
    '--output': ['text'],
  });
  record();
  process.stdout.write(plan.instances.join('\t') + '\n');
} else if (call === 'ssm send-command') {
  expect({
    '--instance-ids': [plan.instanceId],
    '--document-name': ['AWS-RunShellScript'],
    '--comment': null,
    '--timeout-seconds': [plan.deliveryTimeout],
    '--parameters': null,
    '--query': ['Command.CommandId'],
    '--output': ['text'],
  });
  let parameters;
  try {
    parameters = JSON.parse(options['--parameters'][0]);
  } catch (e) {
    reject(`--parameters is not JSON: ${e.message}`);
  }
  const want = { commands: [plan.command], executionTimeout: [plan.executionTimeout] };
  if (JSON.stringify(parameters) !== JSON.stringify(want)) {
    reject(`--parameters ${JSON.stringify(parameters)}, expected ${JSON.stringify(want)}`);
  }
  if (counter('sent') > 0) reject('send-command called twice');
  record();
  process.stdout.write(commandId + '\n');
} else if (call === 'ssm get-command-invocation') {
  const query = (options['--query'] || [])[0];
  expect({ '--command-id': [commandId], '--instance-id': [plan.instanceId], '--query': null, '--output': ['text'] });
  if (!fs.existsSync(path.join(state, 'sent'))) reject('get-command-invocation before send-command');
  const poll = counter('polls');
  if (poll < (plan.notYet || 0)) {
    record();
    process.stderr.write('\nAn error occurred (InvocationDoesNotExist) when calling the GetCommandInvocation operation: \n');
    process.exit(254);
  }
  const [status, details, code] = plan.invocations[Math.min(poll - (plan.notYet || 0), plan.invocations.length - 1)];
  const ended = ['Success', 'Failed', 'TimedOut', 'Cancelled'].includes(status);
  if (query === '[Status,StatusDetails,ResponseCode]') {
    record();
    process.stdout.write(`${status}\t${details}\t${code}\n`);
  } else if (query === 'StandardOutputContent' || query === 'StandardErrorContent') {
    if (!ended) reject(`${query} asked while the invocation is ${status}`);
    record();
    process.stdout.write((query === 'StandardOutputContent' ? plan.stdout : plan.stderr) + '\n');
  } else {
    reject(`unexpected --query ${query}`);
  }
} else {
  reject(`unexpected call ${call}`);
}
