#!/usr/bin/env node
// Runs local-aws-sqs on 127.0.0.1 for the .NET tests and benchmarks.
//   node sqs-emulator.js [--port 0] [--region us-east-1] [--account 123456789012] [--queue NAME]...
// --queue creates a queue at start (a name ending in .fifo makes a FIFO queue); tests create their own instead.
// Prints one JSON line {"port":N,"url":"http://127.0.0.1:N/"} once it listens (port 0 picks a free port), then
// serves until SIGTERM/SIGINT or until its standard input closes, so it never outlives the process that started it.
// A JSON-protocol answer with nothing in it (a receive that found no message, GetQueueAttributes of names the queue
// lacks) is sent as {} like SQS sends it: local-aws-sqs 2.0.2 sends an empty body, which AWSSDK.SQS cannot read.
"use strict";

const { createSqsServer } = require("local-aws-sqs");

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}

function queues() {
  const names = [];
  process.argv.forEach((arg, i) => {
    if (arg === "--queue" && i + 1 < process.argv.length) {
      names.push(process.argv[i + 1]);
    }
  });
  return names.map((name) => (name.endsWith(".fifo") ? { QueueName: name, Attributes: { FifoQueue: "true" } } : { QueueName: name }));
}

function answerEmptyJsonAsEmptyObject(server) {
  for (const handler of server.listeners("request")) {
    server.removeListener("request", handler);
    server.on("request", (request, response) => {
      const end = response.end;
      response.end = function (chunk, ...rest) {
        const empty = chunk === undefined || chunk === null || chunk === "" || typeof chunk === "function";
        const json = String(response.getHeader("content-type") || "").startsWith("application/x-amz-json");
        if (empty && json && response.statusCode === 200) {
          return typeof chunk === "function" ? end.call(this, "{}", chunk) : end.call(this, "{}", ...rest);
        }
        return end.call(this, chunk, ...rest);
      };
      handler.call(server, request, response);
    });
  }
}

async function main() {
  const port = Number(option("port", "0"));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`sqs-emulator: --port must be 0..65535`);
    process.exit(2);
  }

  const server = await createSqsServer({
    port,
    hostname: "127.0.0.1",
    region: option("region", "us-east-1"),
    accountId: option("account", "123456789012"),
    // Tests create and delete queues freely; AWS's 60 s wait before re-creating a name only slows them down.
    emulateQueueCreationLifecycle: false,
    queues: queues(),
  });
  answerEmptyJsonAsEmptyObject(server);

  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();

  const actual = server.address().port;
  process.stdout.write(JSON.stringify({ port: actual, url: `http://127.0.0.1:${actual}/` }) + "\n");
}

main().catch((error) => {
  console.error(`sqs-emulator: ${error && error.stack ? error.stack : error}`);
  process.exit(1);
});
