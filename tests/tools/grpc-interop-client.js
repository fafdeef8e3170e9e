#!/usr/bin/env node
// Calls a gRPC server with @grpc/grpc-js (a real, independent gRPC implementation) and prints one JSON
// object with what it saw, so .NET tests can prove our wire format. Never throws for a gRPC error: the
// status is part of the output. Exit code 0 unless the arguments or the script itself are wrong.
//
// Usage:
//   node grpc-interop-client.js --proto <file.proto> --address 127.0.0.1:<port>
//        --service <package.Service> --method <Method> --kind unary|server-stream|client-stream
//        [--request '<json>'] [--requests '<json array>'] [--deadline-ms <n>] [--data-field <name>]
//        [--metadata key=value ...] [--task-files 1] [--keep-open 1]
//
// Output: {"code":0,"details":"","response":{...}}                       (unary, client-stream)
//         {"code":0,"details":"","messageCount":n,"messages":[...],       (server-stream)
//          "dataBytes":n,"dataSha256":"<hex>"}
// With --data-field, server-stream messages are not echoed; the named bytes field of every message is
// hashed (sha256 over the concatenation) instead.
// With --task-files 1 (server-stream of agentconductor.v1.TaskFileChunk), every header starts a new file and the
// data chunks after it are hashed on the fly: "files":[{"path","size","bytes","expectedSha256","sha256"}].
// With --keep-open 1 (client-stream), the requests are written but the stream is never ended, so the call can
// only finish by its deadline or an error.
'use strict';

const crypto = require('node:crypto');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function parseArgs(argv) {
  const args = { metadata: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (!key.startsWith('--') || value === undefined) {
      throw new Error(`Bad argument near '${key}'`);
    }
    const name = key.slice(2);
    if (name === 'metadata') {
      args.metadata.push(value);
    } else {
      args[name] = value;
    }
  }
  for (const required of ['proto', 'address', 'service', 'method', 'kind']) {
    if (!args[required]) {
      throw new Error(`Missing --${required}`);
    }
  }
  return args;
}

function lookupService(proto, fullName) {
  return fullName.split('.').reduce((node, part) => (node ? node[part] : undefined), proto);
}

function statusResult(error) {
  return { code: error.code, details: error.details };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const definition = protoLoader.loadSync(args.proto, { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
  const proto = grpc.loadPackageDefinition(definition);
  const Service = lookupService(proto, args.service);
  if (!Service) {
    throw new Error(`Service ${args.service} not found in ${args.proto}`);
  }

  const client = new Service(args.address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  for (const entry of args.metadata) {
    const at = entry.indexOf('=');
    metadata.add(entry.slice(0, at), entry.slice(at + 1));
  }
  const options = args['deadline-ms'] ? { deadline: new Date(Date.now() + Number(args['deadline-ms'])) } : {};
  const method = client[args.method].bind(client);
  const finish = (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    client.close();
  };

  if (args.kind === 'unary') {
    method(JSON.parse(args.request || '{}'), metadata, options, (error, response) => {
      finish(error ? statusResult(error) : { code: 0, details: '', response });
    });
  } else if (args.kind === 'client-stream') {
    const call = method(metadata, options, (error, response) => {
      finish(error ? statusResult(error) : { code: 0, details: '', response });
    });
    for (const request of JSON.parse(args.requests || '[]')) {
      call.write(request);
    }
    if (!args['keep-open']) {
      call.end();
    }
  } else if (args.kind === 'server-stream') {
    const hash = crypto.createHash('sha256');
    const messages = [];
    let messageCount = 0;
    let dataBytes = 0;
    const files = [];
    let file = null;
    const endFile = () => {
      if (file) {
        files.push({ path: file.path, size: file.size, bytes: file.bytes, expectedSha256: file.expectedSha256, sha256: file.hash.digest('hex') });
      }
    };
    const call = method(JSON.parse(args.request || '{}'), metadata, options);
    call.on('data', (message) => {
      messageCount += 1;
      if (args['task-files']) {
        if (message.chunk === 'header') {
          endFile();
          const h = message.header;
          file = { path: h.path, size: Number(h.size), bytes: 0, expectedSha256: h.sha256, hash: crypto.createHash('sha256') };
        } else {
          file.hash.update(message.data);
          file.bytes += message.data.length;
        }
      } else if (args['data-field']) {
        const data = message[args['data-field']];
        hash.update(data);
        dataBytes += data.length;
      } else {
        messages.push(message);
      }
    });
    call.on('error', () => {});
    call.on('status', (status) => {
      endFile();
      finish({
        files,
        code: status.code,
        details: status.details,
        messageCount,
        messages,
        dataBytes,
        dataSha256: hash.digest('hex'),
      });
    });
  } else {
    throw new Error(`Unknown --kind ${args.kind}`);
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error.stack}\n`);
  process.exit(2);
}
